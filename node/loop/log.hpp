// Structured logs: one JSON object per line on stderr (or any FILE*), e.g.
//   {"event":"note","node":1,"local_ns":...,"kind":"became_master","what":"becomes_master",...}
#pragma once

#include <cstdio>
#include <string_view>

#include <nlohmann/json.hpp>

#include "algorithms/core/note.hpp"

namespace clocksim::node {

class Logger {
 public:
  explicit Logger(std::FILE* out = stderr) : out_(out) {}
  void write(std::string_view event, nlohmann::json fields);
  // False for a logger that writes nowhere: callers may skip building the line.
  bool enabled() const { return out_ != nullptr; }

 private:
  std::FILE* out_;
};

// A note's typed fields for a log line: kind, what, the fields it sets (node ids as numbers) and
// its sentence as "text".
nlohmann::json note_fields(const Note& note);

}  // namespace clocksim::node
