sapi_fuzzer(fuzz_http_request ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_http_request.cc DEPS sapi_http)
