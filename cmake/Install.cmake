# Install rules. The tree under CMAKE_INSTALL_PREFIX (`cmake --install build --prefix P`):
#   include/awsc/awsc.h, schema.h and one header per built service
#   lib/libawsc-<lib>.a                      static: runtime and every service
#   lib/libawsc-<lib>.so -> .so.<SOVERSION>  shared (BUILD_SHARED_LIBS=ON)
#   lib/cmake/awsc/                          find_package(awsc CONFIG COMPONENTS ...)
#   lib/pkgconfig/awsc-<lib>.pc              one pkg-config module per library
#   bin/awsc                                 the CLI (AWSC_BUILD_CLI=ON)
# where <lib> is `runtime`, `xml` (the XML protocols' codecs, with expat),
# `checksums` (flexible checksums, with zlib), `compression` (gzip request
# compression, with zlib), `eventstream` (event streams, with zlib), `sigv4a`
# (the SigV4a signer), `jmespath` (awsc/jmespath.h), `cbor` (the rpcv2Cbor codec)
# or a service's folder name, e.g.
# iot-jobs-data-plane.
include(CMakePackageConfigHelpers)
set(AWSC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/awsc)
get_property(AWSC_LIBRARIES GLOBAL PROPERTY AWSC_LIBRARIES)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir ${AWSC_SERVICE_DIRS})
  install(DIRECTORY ${dir}/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endforeach()
if(AWSC_STS_CREDENTIALS)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/sts/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
if(AWSC_SSO_CREDENTIALS)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/sso/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/sigv4a/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET awsc_transfer)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/transfer/include/awsc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()

# One export set per kind: both define awsc::runtime, awsc::<service>; the
# package's config file loads one of them.
set(kinds static)
if(BUILD_SHARED_LIBS)
  list(APPEND kinds shared)
endif()
foreach(kind ${kinds})
  set(targets "")
  foreach(lib ${AWSC_LIBRARIES})
    if(kind STREQUAL "static")
      list(APPEND targets awsc_${lib})
    else()
      list(APPEND targets awsc_${lib}_shared)
    endif()
  endforeach()
  install(TARGETS ${targets} EXPORT awsc-${kind}-targets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT awsc-${kind}-targets NAMESPACE awsc:: DESTINATION ${AWSC_CMAKE_DIR})
endforeach()

list(REMOVE_ITEM AWSC_LIBRARIES ${AWSC_RUNTIME_LIBRARIES})
set(AWSC_PACKAGE_SERVICES "${AWSC_LIBRARIES}")
get_property(AWSC_XML_SERVICES GLOBAL PROPERTY AWSC_XML_SERVICES)
get_property(AWSC_CHECKSUM_SERVICES GLOBAL PROPERTY AWSC_CHECKSUM_SERVICES)
get_property(AWSC_COMPRESSION_SERVICES GLOBAL PROPERTY AWSC_COMPRESSION_SERVICES)
get_property(AWSC_EVENTSTREAM_SERVICES GLOBAL PROPERTY AWSC_EVENTSTREAM_SERVICES)
get_property(AWSC_CBOR_SERVICES GLOBAL PROPERTY AWSC_CBOR_SERVICES)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/awsc-config.cmake.in
  ${PROJECT_BINARY_DIR}/awsc-config.cmake INSTALL_DESTINATION ${AWSC_CMAKE_DIR})
# Pre-1.0 a new minor version may break the API, so only x.y.* is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/awsc-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/awsc-config.cmake ${PROJECT_BINARY_DIR}/awsc-config-version.cmake
  DESTINATION ${AWSC_CMAKE_DIR})

# pkg-config: awsc-runtime.pc, awsc-xml.pc, and awsc-<service>.pc requiring them. With shared
# libraries libcurl and libcrypto are private (needed by `pkg-config --static`
# only); a static-only install needs them in every link.
if(BUILD_SHARED_LIBS)
  set(AWSC_PC_REQUIRES "")
  set(AWSC_PC_REQUIRES_PRIVATE "libcurl libcrypto")
  set(AWSC_PC_LIBS "")
  set(AWSC_PC_LIBS_PRIVATE "-lm -pthread")
else()
  set(AWSC_PC_REQUIRES "libcurl libcrypto")
  set(AWSC_PC_REQUIRES_PRIVATE "")
  set(AWSC_PC_LIBS " -lm -pthread")
  set(AWSC_PC_LIBS_PRIVATE "")
endif()
set(AWSC_PC_PREFIX "@AWSC_PC_PREFIX@")  # filled in at install time
set(AWSC_PC_NAME runtime)
set(AWSC_PC_DESCRIPTION "awsc runtime: SigV4, HTTP (libcurl), JSON, retries")
configure_file(${PROJECT_SOURCE_DIR}/cmake/awsc.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/awsc-runtime.pc.in @ONLY)
# awsc-<name>.pc of a library beside the runtime: its own dependencies are
# private with shared libraries, as libcurl is for the runtime.
function(awsc_optional_library_pc name description deps)
  set(AWSC_PC_NAME ${name})
  set(AWSC_PC_DESCRIPTION ${description})
  if(BUILD_SHARED_LIBS)
    set(AWSC_PC_REQUIRES "awsc-runtime")
    set(AWSC_PC_REQUIRES_PRIVATE "${deps}")
  else()
    set(AWSC_PC_REQUIRES "awsc-runtime ${deps}")
    set(AWSC_PC_REQUIRES_PRIVATE "")
  endif()
  set(AWSC_PC_LIBS "")
  set(AWSC_PC_LIBS_PRIVATE "")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/awsc.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/awsc-${name}.pc.in @ONLY)
endfunction()
awsc_optional_library_pc(xml "awsc XML codecs (restXml, awsQuery, ec2Query), with expat" "expat")
awsc_optional_library_pc(checksums
  "awsc flexible checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256), with zlib" "libcrypto zlib")
awsc_optional_library_pc(sigv4a "awsc SigV4a signer (ECDSA P-256), for awsc_config.sigv4a" "libcrypto")
awsc_optional_library_pc(compression "awsc request compression (gzip), with zlib" "zlib")
awsc_optional_library_pc(eventstream "awsc event streams (application/vnd.amazon.eventstream), with zlib" "libcrypto zlib")
awsc_optional_library_pc(jmespath "awsc JMESPath evaluator (awsc/jmespath.h)" "")
awsc_optional_library_pc(cbor "awsc Smithy RPC v2 CBOR codec" "")
foreach(svc ${AWSC_PACKAGE_SERVICES})
  set(AWSC_PC_NAME ${svc})
  set(AWSC_PC_DESCRIPTION "awsc client for the ${svc} service")
  set(AWSC_PC_REQUIRES "awsc-runtime")
  if(svc STREQUAL "sts-credentials")
    set(AWSC_PC_DESCRIPTION "awsc STS credentials: web identity and assume role for the credentials chain")
    set(AWSC_PC_REQUIRES "awsc-sts")
  elseif(svc STREQUAL "sso-credentials")
    set(AWSC_PC_DESCRIPTION "awsc SSO credentials: IAM Identity Center profiles for the credentials chain")
    set(AWSC_PC_REQUIRES "awsc-sso awsc-sso-oidc libcrypto")
  elseif(svc IN_LIST AWSC_XML_SERVICES)
    set(AWSC_PC_REQUIRES "awsc-xml awsc-runtime")
  endif()
  if(svc IN_LIST AWSC_CBOR_SERVICES)
    set(AWSC_PC_REQUIRES "awsc-cbor ${AWSC_PC_REQUIRES}")
  endif()
  if(svc IN_LIST AWSC_CHECKSUM_SERVICES)
    set(AWSC_PC_REQUIRES "awsc-checksums ${AWSC_PC_REQUIRES}")
  endif()
  if(svc IN_LIST AWSC_COMPRESSION_SERVICES)
    set(AWSC_PC_REQUIRES "awsc-compression ${AWSC_PC_REQUIRES}")
  endif()
  if(svc IN_LIST AWSC_EVENTSTREAM_SERVICES)
    set(AWSC_PC_REQUIRES "awsc-eventstream ${AWSC_PC_REQUIRES}")
  endif()
  set(AWSC_PC_REQUIRES_PRIVATE "")
  set(AWSC_PC_LIBS "")
  set(AWSC_PC_LIBS_PRIVATE "")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/awsc.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/awsc-${svc}.pc.in @ONLY)
endforeach()
# The prefix is known only at install time (`cmake --install --prefix P`), so
# the .pc files are written then, straight into the tree (and its manifest).
set(AWSC_PC_LIBRARIES runtime checksums compression sigv4a eventstream jmespath cbor ${AWSC_PACKAGE_SERVICES})
if(TARGET awsc_xml)
  list(APPEND AWSC_PC_LIBRARIES xml)
endif()
foreach(lib ${AWSC_PC_LIBRARIES})
  install(CODE "set(AWSC_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
    set(_pc \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/awsc-${lib}.pc\")
    message(STATUS \"Installing: \${_pc}\")
    configure_file(\"${PROJECT_BINARY_DIR}/pkgconfig/awsc-${lib}.pc.in\" \"\${_pc}\" @ONLY)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${_pc}\")")
endforeach()
