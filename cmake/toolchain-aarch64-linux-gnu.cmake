# Cross-compiles awsc for 64-bit ARM Linux with Debian's gcc-aarch64-linux-gnu and
# the arm64 multiarch -dev packages (dpkg --add-architecture arm64 && apt-get update
# && apt-get install libcurl4-openssl-dev:arm64 libssl-dev:arm64):
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#         -DAWSC_BUILD_TESTS=OFF -DAWSC_BUILD_EXAMPLES=OFF
# For another board, copy it and change the triplet.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# FindCURL and FindOpenSSL ask pkg-config first: it must read the arm64 .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
