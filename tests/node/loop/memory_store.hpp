// A node's stable storage in memory for the node-loop tests: what was saved last, how many saves,
// and a switch that makes saves fail (a full disk) with an error to report.
#pragma once

#include <string>

#include "node/loop/interfaces.hpp"

namespace clocksim::node::testing {

class MemoryStore final : public StableStore {
 public:
  const StableState& saved() const override { return saved_; }
  bool save(const StableState& state) override {
    if (fail) return false;
    saved_ = state;
    ++saves;
    return true;
  }
  const std::string& last_error() const override { return error_; }
  bool fail = false;
  int saves = 0;

 private:
  StableState saved_;
  std::string error_ = "disk full";
};

}  // namespace clocksim::node::testing
