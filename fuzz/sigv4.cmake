sapi_fuzzer(fuzz_sigv4 ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_sigv4.cc DEPS sapi_auth)
