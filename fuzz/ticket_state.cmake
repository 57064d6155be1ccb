# The ticket state as the store keeps it (format 2, and the JSON of earlier releases) on
# arbitrary bytes: a damaged database file must give an error, never a crash.
sapi_fuzzer(fuzz_ticket_state ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_ticket_state.cc
            DEPS sapi_matchmaking)
