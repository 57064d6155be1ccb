# The queues-file parser, the latency policies and the choice of a server on arbitrary bytes:
# the queues file is configuration, untrusted input.
sapi_fuzzer(fuzz_queues ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_queues.cc DEPS sapi_fleet)
