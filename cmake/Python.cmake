# Finds a Python 3 interpreter that can `import jinja2` (the generator's only
# dependency). Debian's python3-jinja2 lives under /usr/bin/python3, which may
# not be the python3 first on PATH, so every candidate is tried in turn.
# Only a build that generates code (AWSC_REGENERATE, AWSC_MODEL_DIRS) or runs the
# tests needs it (set AWSC_PYTHON_REQUIRED); building the committed generated/
# code does not, so a device's build host can do without Python.
set(_awsc_py_candidates ${AWSC_PYTHON} /usr/bin/python3)
find_program(_awsc_path_python NAMES python3 python)
if(_awsc_path_python)
  list(APPEND _awsc_py_candidates ${_awsc_path_python})
endif()
set(AWSC_PYTHON_WITH_JINJA "")
foreach(py ${_awsc_py_candidates})
  if(EXISTS ${py})
    execute_process(COMMAND ${py} -c "import jinja2, sys; assert sys.version_info >= (3, 8)"
      RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
    if(_rc EQUAL 0)
      set(AWSC_PYTHON_WITH_JINJA ${py})
      break()
    endif()
  endif()
endforeach()
if(NOT AWSC_PYTHON_WITH_JINJA AND NOT AWSC_PYTHON_REQUIRED)
  message(STATUS "Code generator interpreter: none (not needed for this build)")
  return()
elseif(NOT AWSC_PYTHON_WITH_JINJA)
  message(FATAL_ERROR "No Python 3 interpreter that can 'import jinja2' was found "
    "(tried: ${_awsc_py_candidates}). Install Debian's python3-jinja2 "
    "(apt-get install python3-jinja2) or pass -DAWSC_PYTHON=/path/to/python3.")
endif()
message(STATUS "Code generator interpreter: ${AWSC_PYTHON_WITH_JINJA}")
