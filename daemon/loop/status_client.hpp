// The client side of the control channel (clocksyncctl, tests): send "status", read the JSON
// reply and, when the answer comes in pages (a large cluster: daemon/loop/status_pages.hpp), ask
// for each further page and return the whole answer, or an error, never part of it. `endpoint` is
// a Unix socket path when names_unix_socket says so, otherwise HOST:PORT of a UDP status socket
// (the request is then padded, since the daemon never answers with more than it was sent).
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace clocksim::daemon {

// A path: it has a '/', or no ':' (which HOST:PORT always has), or a socket file of that name exists.
bool names_unix_socket(const std::string& endpoint);
std::variant<nlohmann::json, std::string> query_status(const std::string& endpoint, int timeout_ms);

}  // namespace clocksim::daemon
