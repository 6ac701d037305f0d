# Helpers shared by every CMakeLists.txt of the project.

function(ferry_set_warnings)
  add_compile_options(-Wall -Wextra -Wpedantic -Wno-unused-parameter)
  if(FERRY_WERROR)
    add_compile_options(-Werror)
  endif()
endfunction()

# ferry_add_test(NAME SOURCES src... LABELS unit|integration|e2e|conformance|slow [LIBS ...])
# Builds a GoogleTest binary and registers it with CTest under its labels.
function(ferry_add_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ferry ferry_test_util GTest::gtest GTest::gtest_main ${T_LIBS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    FERRY_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FERRY_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
    FERRY_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endfunction()

# ferry_add_fuzzer(NAME SOURCE src.cc)
# Every developer build gets a replay driver (tests/fuzz/replay_main.cc) that
# runs the target over files or directories given on the command line; with
# FERRY_LIBFUZZER (clang) it links libFuzzer instead.
function(ferry_add_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCE;CORPUS" ${ARGN})
  if(FERRY_LIBFUZZER)
    add_executable(${name} ${F_SOURCE})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name} ${F_SOURCE} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
  endif()
  target_link_libraries(${name} PRIVATE ferry)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  if(F_CORPUS)
    # Replays the corpus so every find stays a regression test.
    if(FERRY_LIBFUZZER)
      add_test(NAME ${name}_replay COMMAND ${name} -runs=0 ${F_CORPUS})
    else()
      add_test(NAME ${name}_replay COMMAND ${name} ${F_CORPUS})
    endif()
    set_tests_properties(${name}_replay PROPERTIES LABELS "fuzz")
  endif()
endfunction()
