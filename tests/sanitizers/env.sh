# SPDX-License-Identifier: BSD-2-Clause
# Runtime options for the sanitizer build (build-asan, cmake/Sanitizers.cmake),
# sourced by scripts/test.sh before ctest; source it too when running that
# build's tests by hand. ctest, the e2e scripts and `ip netns exec` pass the
# environment on, so xmipd and the tools the e2e tests start get them.
#  - detect_leaks: LeakSanitizer at the exit of every process; a leak makes
#    the exit status 1, which fails the test (the e2e scripts check xmipd's).
#    No suppressions are needed: xmipd with prometheus-cpp and civetweb exits
#    clean. Should a third-party leak appear, add
#    LSAN_OPTIONS=suppressions=<file> with a comment per entry saying why.
#  - UBSan: -fno-sanitize-recover already stops at the first report; the
#    stack trace says where.
#  - detect_stack_use_after_return, strict_string_checks: more ASan checks
#    than the defaults, cheap at this size.
export ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
