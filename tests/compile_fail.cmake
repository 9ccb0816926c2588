# Runs one tests/compile_fail/*.cpp snippet through the compiler twice (issue 10, misuse as
# compile errors): with -DTESSERA_CONTROL (the correct use) it must compile, and without it (the
# misuse) it must FAIL with a diagnostic matching the snippet's "// EXPECT: <regex>" line.
# The control run proves that a failure comes from the misuse, not from a broken include path.
# Usage: cmake -DCXX=... -DFLAGS="..." -DINCLUDE=... -DSNIPPET=... -P compile_fail.cmake
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
file(STRINGS "${SNIPPET}" expect_line REGEX "^// EXPECT: ")
if(NOT expect_line)
  message(FATAL_ERROR "${SNIPPET}: no // EXPECT: line")
endif()
string(REGEX REPLACE "^// EXPECT: " "" expect "${expect_line}")

execute_process(COMMAND ${CXX} ${flags} -I${INCLUDE} -DTESSERA_CONTROL -fsyntax-only ${SNIPPET}
                RESULT_VARIABLE control_rc ERROR_VARIABLE control_err OUTPUT_QUIET)
if(NOT control_rc EQUAL 0)
  message(FATAL_ERROR "control (correct use) does not compile:\n${control_err}")
endif()

execute_process(COMMAND ${CXX} ${flags} -I${INCLUDE} -fsyntax-only ${SNIPPET}
                RESULT_VARIABLE misuse_rc ERROR_VARIABLE misuse_err OUTPUT_QUIET)
if(misuse_rc EQUAL 0)
  message(FATAL_ERROR "the misuse compiles, but must not: ${SNIPPET}")
endif()
if(NOT misuse_err MATCHES "${expect}")
  message(FATAL_ERROR "the misuse fails, but not with the expected diagnostic /${expect}/:\n${misuse_err}")
endif()
message(STATUS "misuse refused as expected: ${SNIPPET}")
