# The player-token parser (split, base64url, header and payload JSON, claims) and the JWKS
# parser on arbitrary bytes: tokens and key sets come from the network.
sapi_fuzzer(fuzz_jwt ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_jwt.cc DEPS sapi_auth)
