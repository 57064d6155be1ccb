# Build helpers shared by every module.

macro(sapi_setup_flags)
  add_compile_options(-Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(SAPI_WERROR)
    add_compile_options(-Werror)
  endif()
  if(SAPI_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
    # GCC 12's flow analysis is unreliable with sanitizer instrumentation: it reports
    # std::variant and Beast members as maybe-uninitialized where they are not (GCC bug
    # 105562 and relatives). The normal build keeps the warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      add_compile_options(-Wno-maybe-uninitialized)
    endif()
  endif()
  if(SAPI_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
  endif()
  # Boost.Asio/Beast: header-only, separately compiled parts live in http/ only.
  add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_JSON_NO_LIB BOOST_URL_NO_LIB)
endmacro()

# sapi_library(NAME sources... DEPS targets...)
# One static library per module, named sapi_<module>, with src/ as the include root.
function(sapi_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(sapi_${name} STATIC ${ARG_SOURCES})
  target_include_directories(sapi_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(sapi_${name} PUBLIC ${ARG_DEPS})
endfunction()

# sapi_test(NAME sources... DEPS targets...)
# One GoogleTest binary per module, registered with CTest.
function(sapi_test name)
  if(NOT SAPI_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endfunction()

# sapi_module(NAME DEPS targets...)
# A module is a folder of src/: every .cc in it (but *_test.cc) is its library sapi_<name>,
# every *_test.cc goes into one test binary <name>_test. Modules that do not exist yet
# (no target) are skipped in DEPS so that the tree builds while it grows.
function(sapi_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM sources ${tests})
  endif()
  if(NOT sources)
    return()
  endif()
  set(deps "")
  foreach(dep ${ARG_DEPS})
    if(dep MATCHES "^sapi_" AND NOT TARGET ${dep})
      continue()
    endif()
    list(APPEND deps ${dep})
  endforeach()
  sapi_library(${name} SOURCES ${sources} DEPS ${deps})
  if(tests)
    sapi_test(${name}_test SOURCES ${tests} DEPS sapi_${name} ${ARG_TEST_DEPS})
  endif()
endfunction()
