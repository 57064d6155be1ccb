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

// Converts the embedded document, its `servers` replaced by the one relative URL
// `base_path` ("" or e.g. "/dev"; "" serves "/") so that viewers which load the document from
// the service call that same service. Fails only for a document that is not valid YAML, which
// the build's tests rule out.
Result<OpenApiDocument> openapi_document(std::string_view base_path = "");

// True when an If-None-Match value names `etag` (weak comparison, lists and "*").
bool etag_matches(std::string_view if_none_match, std::string_view etag);

// Adds GET /openapi.json: unauthenticated, 200 with the document for `base_path`, `ETag` and
// `Cache-Control: public, max-age=300`, or 304 without a body when If-None-Match names the
// ETag.
Status add_openapi_route(http::Router& router, std::string_view base_path = "");

}  // namespace sapi::api
