# The rule-set parser and validator on arbitrary bytes: rule sets are untrusted input.
sapi_fuzzer(fuzz_ruleset ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_ruleset.cc DEPS sapi_flexmatch)
