// The client side of the status socket (clocksyncctl, tests): send "status", read one JSON reply.
#pragma once

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace clocksim::daemon {

std::variant<nlohmann::json, std::string> query_status(const std::string& endpoint, int timeout_ms);

}  // namespace clocksim::daemon
