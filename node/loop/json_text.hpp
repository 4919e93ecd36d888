// JSON as text for readers outside the process (log lines, status answers, clocksyncctl output,
// a run's summary.json).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace clocksim::node {

// Strings in these documents may quote bytes from outside: file names, error texts that cite a
// file's bytes, paths given on a command line. Such bytes need not be UTF-8 (a file name on Linux
// is any bytes but '/' and NUL), and nlohmann's default dump() throws on them; here each invalid
// byte becomes U+FFFD instead, so a report about bad input, or a run of a file so named, can
// always be written. Valid UTF-8 is written as dump() writes it.
template <class Json>
std::string json_text(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace clocksim::node
