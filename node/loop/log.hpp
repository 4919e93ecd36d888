// Structured logs: one JSON object per line on stderr (or any FILE*), e.g.
//   {"event":"note","node":1,"local_ns":...,"kind":"became_master","text":"..."}
#pragma once

#include <cstdio>
#include <string_view>

#include <nlohmann/json.hpp>

#include "algorithms/core/effects.hpp"

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

std::string_view note_kind_name(NoteKind k);

}  // namespace clocksim::node
