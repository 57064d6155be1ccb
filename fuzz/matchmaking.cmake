# The matchmaking configurations file (`matchmaking.configurations_file`) on arbitrary bytes,
# read through the same loader the service uses, with a rule-set file beside it.
sapi_fuzzer(fuzz_configurations ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_configurations.cc
            DEPS sapi_matchmaking)
