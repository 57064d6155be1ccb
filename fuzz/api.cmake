# The request bodies the API decodes, each on arbitrary bytes behind the same JSON limits the
# routes use: game-server registration and heartbeat, the session summary, the matchmaking
# start request (against every embedded configuration's rule set).
sapi_fuzzer(fuzz_game_server_bodies ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_game_server_bodies.cc
            DEPS sapi_api)
sapi_fuzzer(fuzz_session_summary ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_session_summary.cc
            DEPS sapi_api sapi_sessions)
sapi_fuzzer(fuzz_matchmaking_start ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_matchmaking_start.cc
            DEPS sapi_api sapi_matchmaking)
