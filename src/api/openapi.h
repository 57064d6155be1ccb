#pragma once

// GET /openapi.json: the service's OpenAPI document. docs/openapi.yaml is the single source:
// it is embedded in the binary at build time and converted to JSON once, when the route is
// mounted.

#include <string>
#include <string_view>

#include "base/result.h"
#include "http/router.h"

namespace sapi::api {

// docs/openapi.yaml as it was when the binary was built.
std::string_view openapi_yaml();

// The document as served: compact JSON and its strong ETag (quoted).
struct OpenApiDocument {
  std::string json;
  std::string etag;
};

// Converts the embedded document. Fails only for a document that is not valid YAML, which
// the build's tests rule out.
Result<OpenApiDocument> openapi_document();

// True when an If-None-Match value names `etag` (weak comparison, lists and "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Adds GET /openapi.json: unauthenticated, 200 with the document, `ETag` and
// `Cache-Control: public, max-age=300`, or 304 without a body when If-None-Match names the
// ETag.
Status add_openapi_route(http::Router& router);

}  // namespace sapi::api
