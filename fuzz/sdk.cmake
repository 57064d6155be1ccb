# The client SDK's readers of service answers (event stream, JSON answers): a client must
# survive whatever a network or a hostile server sends.
sapi_fuzzer(fuzz_sdk_answers ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_sdk_answers.cc DEPS session_api_sdk)
target_include_directories(fuzz_sdk_answers PRIVATE ${PROJECT_SOURCE_DIR}/sdk/src)
target_link_libraries(fuzz_sdk_answers PRIVATE Boost::json)
