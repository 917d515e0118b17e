# The libraries ifmib_exporter builds against, as imported targets. Included from the top
# CMakeLists.txt, so the rest of the build names targets, never paths.
#
# Normal builds find the installed packages: Debian 12's (prometheus-cpp 1.0, spdlog 1.10 with an
# external fmt) or FreeBSD's ports (prometheus-cpp 1.3, spdlog 1.x with an external fmt). Only
# names both provide are used: prometheus-cpp::core, spdlog::spdlog, nlohmann_json::nlohmann_json, yaml-cpp, OpenSSL, ISA-L's
# igzip (header isa-l/igzip_lib.h, library isal: Debian's libisal-dev, FreeBSD's devel/isa-l), and libcrypt (glibc's libxcrypt; FreeBSD's base libcrypt).
#
# IFMIB_COMPILE_ONLY (set by cmake/freebsd-sysroot.cmake, the toolchain of `make freebsd-check`):
# there is no FreeBSD library to find, only headers. The same targets are then header-only
# stand-ins over IFMIB_THIRDPARTY_INCLUDE, a folder that holds just the third-party headers, so
# every translation unit the FreeBSD build selects is compiled and nothing is linked.

if(IFMIB_COMPILE_ONLY)
  if(NOT IS_DIRECTORY "${IFMIB_THIRDPARTY_INCLUDE}")
    message(FATAL_ERROR "IFMIB_COMPILE_ONLY needs IFMIB_THIRDPARTY_INCLUDE, a folder of third-party headers")
  endif()
  function(ifmib_header_only_target name)
    add_library(${name} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${IFMIB_THIRDPARTY_INCLUDE}")
  endfunction()
  foreach(target prometheus-cpp::core spdlog::spdlog nlohmann_json::nlohmann_json
      yaml-cpp OpenSSL::SSL OpenSSL::Crypto ISAL::isal Threads::Threads doctest::doctest ZLIB::ZLIB)
    ifmib_header_only_target(${target})
  endforeach()
  set(IFMIB_HAVE_ISAL ON)
  # Debian's spdlog is built against an external fmt, as the FreeBSD port is.
  set_property(TARGET spdlog::spdlog PROPERTY INTERFACE_COMPILE_DEFINITIONS SPDLOG_FMT_EXTERNAL)
  set(IFMIB_CRYPT_LIBRARY "")
  return()
endif()

find_package(prometheus-cpp CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
# gzip of /metrics: ISA-L's igzip at level 1. On the 2.6 MB text of a 1000-interface scrape it
# takes 0.39x libdeflate's CPU at libdeflate's fastest level and 0.23x zlib's, for 17% more bytes
# than libdeflate (bench/compress.cpp, bench/results/). ISA-L is not built for every architecture
# (FreeBSD's devel/isa-l: amd64), so IFMIB_WITH_ISAL=AUTO (default) uses it where it is installed
# and zlib level 1 elsewhere; ON insists on it, OFF never uses it. Found by path: the FreeBSD port
# installs no pkg-config file. zlib is found either way: server/gzip_zlib.cpp is compiled everywhere
# (its tests run everywhere), but only a build without ISA-L links it into the exporter.
set(IFMIB_WITH_ISAL AUTO CACHE STRING "gzip with ISA-L's igzip: AUTO (where installed), ON or OFF (zlib)")
find_package(ZLIB REQUIRED)
set(IFMIB_HAVE_ISAL OFF)
if(NOT IFMIB_WITH_ISAL STREQUAL "OFF")
  find_path(ISAL_INCLUDE_DIR isa-l/igzip_lib.h)
  find_library(ISAL_LIBRARY isal)
  if(ISAL_INCLUDE_DIR AND ISAL_LIBRARY)
    add_library(ISAL::isal UNKNOWN IMPORTED)
    set_target_properties(ISAL::isal PROPERTIES IMPORTED_LOCATION "${ISAL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${ISAL_INCLUDE_DIR}")
    set(IFMIB_HAVE_ISAL ON)
  elseif(IFMIB_WITH_ISAL STREQUAL "ON")
    message(FATAL_ERROR "IFMIB_WITH_ISAL=ON but ISA-L (isa-l/igzip_lib.h, libisal) was not found: "
                        "install libisal-dev (Debian) or devel/isa-l (FreeBSD), or use -DIFMIB_WITH_ISAL=OFF")
  endif()
endif()
message(STATUS "gzip of /metrics: ${IFMIB_HAVE_ISAL} for ISA-L (else zlib)")
# --web.config.file: YAML parsing, bcrypt (libcrypt's crypt_r) and the server's TLS context.
find_package(yaml-cpp REQUIRED)
find_package(OpenSSL REQUIRED)
set(IFMIB_CRYPT_LIBRARY crypt)
if(IFMIB_OS STREQUAL "linux")
  pkg_check_modules(MNL REQUIRED IMPORTED_TARGET libmnl)
endif()
