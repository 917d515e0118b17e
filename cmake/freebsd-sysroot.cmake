# Toolchain of `make freebsd-check` (scripts/freebsd-check.sh): the FreeBSD build of this project,
# configured by the same CMakeLists.txt with CMAKE_SYSTEM_NAME=FreeBSD, compiled by clang against
# a FreeBSD /usr/include (IFMIB_FREEBSD_SYSROOT, default ../shared/freebsd-sysroot) and Debian's
# libc++ headers (FreeBSD's C++ library is libc++ too). There are no FreeBSD libraries here, so
# every link step is a no-op: the check compiles each translation unit the FreeBSD build selects
# (product, unit tests, fuzz targets) and proves nothing about linking or running.
set(CMAKE_SYSTEM_NAME FreeBSD)
set(CMAKE_SYSTEM_VERSION 13.0)
set(CMAKE_SYSTEM_PROCESSOR amd64)

set(IFMIB_CLANG "clang++-14" CACHE STRING "clang++ that can target x86_64-unknown-freebsd13.0")
set(IFMIB_LIBCXX_INCLUDE "/usr/lib/llvm-14/include/c++/v1" CACHE PATH "libc++ headers (Debian: libc++-14-dev)")
set(IFMIB_FREEBSD_SYSROOT "" CACHE PATH "FreeBSD amd64 header sysroot")
set(IFMIB_THIRDPARTY_INCLUDE "" CACHE PATH "Folder that holds only the third-party headers")
set(IFMIB_COMPILE_ONLY ON CACHE BOOL "" FORCE)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES IFMIB_CLANG IFMIB_LIBCXX_INCLUDE IFMIB_FREEBSD_SYSROOT)

set(CMAKE_CXX_COMPILER ${IFMIB_CLANG})
set(CMAKE_CXX_COMPILER_TARGET x86_64-unknown-freebsd13.0)
set(CMAKE_SYSROOT ${IFMIB_FREEBSD_SYSROOT})
# libc++ from Debian instead of the (absent) sysroot's; nothing from the host's /usr/include.
set(CMAKE_CXX_FLAGS_INIT "-nostdinc++ -isystem ${IFMIB_LIBCXX_INCLUDE}")
set(CMAKE_AR llvm-ar-14 CACHE FILEPATH "")
set(CMAKE_RANLIB llvm-ranlib-14 CACHE FILEPATH "")

# Compile, never link: the compiler probe builds a static library, and the link rules only
# record that the link step was reached.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_CXX_LINK_EXECUTABLE "<CMAKE_COMMAND> -E touch <TARGET>")
set(CMAKE_CXX_CREATE_SHARED_LIBRARY "<CMAKE_COMMAND> -E touch <TARGET>")
set(CMAKE_CXX_CREATE_SHARED_MODULE "<CMAKE_COMMAND> -E touch <TARGET>")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
