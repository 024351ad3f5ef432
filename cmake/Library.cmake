# awsc_add_library(<name> SOURCES ... INCLUDE <public dir> [PRIVATE_INCLUDE <dir>]
#                  DEPENDS <runtime | imported targets and libraries>)
#
# Defines, from one set of objects compiled once:
#   awsc_<name>         static library libawsc-<name>.a (always: the CLI and the
#                       tests link it, because they use hidden internal functions)
#   awsc_<name>_shared  shared library libawsc-<name>.so.<SOVERSION>, built when
#                       BUILD_SHARED_LIBS is ON; -fvisibility=hidden plus the
#                       version script cmake/awsc.map export only the AWSC_API
#                       functions, versioned AWSC_0.1
#   awsc::<name>        alias of the shared one if built, else the static one
#                       (what a project using awsc through add_subdirectory links)
# DEPENDS "runtime", a library beside it (AWSC_RUNTIME_LIBRARIES) or another awsc
# library (e.g. "sts") means that library of the same kind.
#
# The runtime and the optional libraries beside it: their own dependencies
# (libcurl, expat, zlib) are private, since their public headers include none.
set(AWSC_RUNTIME_LIBRARIES runtime xml checksums compression sigv4a eventstream jmespath waiters cbor transfer)
function(awsc_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;INCLUDE;PRIVATE_INCLUDE;DEPENDS" ${ARGN})
  set(static awsc_${name})
  set(deps_static "")
  set(deps_shared "")
  foreach(dep ${ARG_DEPENDS})
    if(dep IN_LIST AWSC_RUNTIME_LIBRARIES OR TARGET awsc_${dep})
      list(APPEND deps_static awsc_${dep})
      list(APPEND deps_shared awsc_${dep}_shared)
    else()
      list(APPEND deps_static ${dep})
      list(APPEND deps_shared ${dep})
    endif()
  endforeach()

  add_library(${static}_objects OBJECT ${ARG_SOURCES})
  target_include_directories(${static}_objects PRIVATE ${ARG_INCLUDE} ${ARG_PRIVATE_INCLUDE})
  # Only for the dependencies' include directories and compile definitions.
  target_link_libraries(${static}_objects PRIVATE ${deps_static})

  set(kinds static)
  if(BUILD_SHARED_LIBS)
    list(APPEND kinds shared)
  endif()
  foreach(kind ${kinds})
    if(kind STREQUAL "static")
      set(target ${static})
      add_library(${target} STATIC $<TARGET_OBJECTS:${static}_objects>)
      set(deps ${deps_static})
    else()
      set(target ${static}_shared)
      add_library(${target} SHARED $<TARGET_OBJECTS:${static}_objects>)
      set(deps ${deps_shared})
      set_target_properties(${target} PROPERTIES
        VERSION ${PROJECT_VERSION} SOVERSION ${AWSC_SOVERSION}
        LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/awsc.map)
      # --no-undefined: a service that used a hidden runtime function fails here,
      # not in the user's link.
      target_link_options(${target} PRIVATE
        -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/awsc.map -Wl,--no-undefined)
    endif()
    set_target_properties(${target} PROPERTIES OUTPUT_NAME awsc-${name} EXPORT_NAME ${name})
    target_include_directories(${target} PUBLIC
      $<BUILD_INTERFACE:${ARG_INCLUDE}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    # The runtime's public headers include nothing from libcurl or OpenSSL (nor
    # awsc/xml.h from expat), so those are link-only; a service's headers
    # include the runtime's.
    if(name IN_LIST AWSC_RUNTIME_LIBRARIES)
      target_link_libraries(${target} PRIVATE ${deps})
    else()
      target_link_libraries(${target} PUBLIC ${deps})
    endif()
  endforeach()

  if(BUILD_SHARED_LIBS)
    add_library(awsc::${name} ALIAS ${static}_shared)
  else()
    add_library(awsc::${name} ALIAS ${static})
  endif()
  set_property(GLOBAL APPEND PROPERTY AWSC_LIBRARIES ${name})
endfunction()
