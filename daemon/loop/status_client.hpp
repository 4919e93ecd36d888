// The client side of the control channel (clocksyncctl, tests): send "status", read one JSON
// reply. `endpoint` with a '/' is a Unix socket path, otherwise HOST:PORT of a UDP status socket
// (the request is then padded, since the daemon never answers with more than it was sent).
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace clocksim::daemon {

std::variant<nlohmann::json, std::string> query_status(const std::string& endpoint, int timeout_ms);

}  // namespace clocksim::daemon
