# SPDX-License-Identifier: BSD-2-Clause
# Sanitizer and fuzzing builds (use a build directory of their own).
#
# XMIP_SANITIZE=ON: every C/C++ target (libraries, xmipd, tools, tests) is
#   built with AddressSanitizer (LeakSanitizer included) and
#   UndefinedBehaviorSanitizer; -fno-sanitize-recover makes any UB report
#   fatal, so a test that triggers one fails. Works with gcc or clang.
# XMIP_FUZZ=ON (clang only, implies XMIP_SANITIZE): also instruments
#   everything for libFuzzer's coverage (-fsanitize=fuzzer-no-link) and
#   builds the fuzz targets of tests/fuzz/ with their ctest entries (label
#   `fuzz`). One such build serves both the sanitized test suite and the
#   fuzzers; scripts/test.sh makes it in build-asan.
# The BPF programs are not affected: they are built by cmake/BpfObject.cmake
# with flags of their own. The runtime options CI uses (leak suppressions,
# stack traces) are exported by scripts/test.sh; docs/testing.md lists them.
option(XMIP_SANITIZE "Build everything with ASan+UBSan" OFF)
option(XMIP_FUZZ "Also build the libFuzzer targets (clang; implies XMIP_SANITIZE)" OFF)

if(XMIP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "XMIP_FUZZ needs clang: configure with CC=clang CXX=clang++")
  endif()
endif()

if(XMIP_SANITIZE OR XMIP_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(XMIP_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
