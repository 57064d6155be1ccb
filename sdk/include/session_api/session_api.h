#pragma once

// The session-api client SDK: include this one header. docs/sdk.md describes it.

#include "session_api/game_server_client.h"
#include "session_api/player_client.h"
#include "session_api/result.h"
#include "session_api/sigv4.h"
