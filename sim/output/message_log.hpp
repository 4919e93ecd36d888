// messages.csv (docs/output-formats.md): every message the world handed to the network, with
// when it was sent and received, between whom, its type and layer, its fate and the election it
// belongs to ("n6#2", election_of_message). Opt-in
// (`output: {messages: true}`): the rows are kept until the run ends, when each fate is known.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "algorithms/core/election_id.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class MessageLog final : public Observer {
 public:
  MessageLog(const scenario::ScenarioSpec& spec, OutputFolder& folder);

  void on_tick(const TickView& /*view*/) override {}
  void on_event(Time t, NodeId node, const Note& note) override;
  void on_message_routed(Time t, NodeId from, NodeId to, const Message& msg, std::optional<Time> arrives_at) override;
  // Writes every row (fates settled against the crashes and restarts seen) and renames the file
  // into place. `end`: the run's end (later arrivals are still in flight).
  void commit(Time end);

 private:
  struct Row {
    std::int64_t sent_ns;
    std::int64_t arrives_ns;  // -1: lost on the way
    NodeId from, to;
    MsgType type;
    std::optional<ElectionId> election;
  };
  // True when `node` was down at `t`: its latest crash at or before t is later than its latest
  // restart at or before t (the world delivers to a node only while it is up).
  bool down_at(NodeId node, std::int64_t t_ns) const;

  const scenario::ScenarioSpec& spec_;
  std::unique_ptr<OutputFile> file_;
  std::vector<Row> rows_;
  std::vector<std::vector<std::pair<std::int64_t, bool>>> up_changes_;  // per node: (t, up), in time order
};

}  // namespace clocksim::sim
