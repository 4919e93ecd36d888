#include "sim/output/recorder.hpp"


#include "algorithms/core/decimal_text.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/event_row.hpp"
#include "sim/output/gzip_file.hpp"
#include "sim/output/run_files.hpp"

namespace clocksim::sim {

Recorder::Recorder(const scenario::ScenarioSpec& spec, OutputFolder& folder, const SkewBound* bound,
                   RunAnalysis& analysis)
    : spec_(spec), bound_(bound), analysis_(analysis), roles_(static_cast<NodeId>(spec.nodes.size())) {
  std::vector<std::string> names;
  names.reserve(spec.nodes.size());
  for (const auto& n : spec.nodes) names.push_back(n.name);
  names_ = NodeNames(std::move(names));
  const auto& o = spec.output;
  if (o.trace) {
    trace_ = o.compress_trace ? std::make_unique<GzipFile>(folder.create(std::string(run_files::kTraceGzip)))
                               : folder.create(std::string(run_files::kTrace));
    trace_->write("t_ns,node,local_ns,offset_ns,role,up\n");
  }
  if (o.skew) {
    skew_ = folder.create(std::string(run_files::kSkew));
    skew_->write("t_ns,max_skew_ns,mean_abs_offset_ns,bound_ns,master,masters\n");
  }
  if (o.events) {
    events_csv_ = folder.create(std::string(run_files::kEvents));
    events_csv_->write(events_csv_header());
    events_log_ = folder.create(std::string(run_files::kEventsLog));
  }
  traced_.assign(spec.nodes.size(), o.trace_nodes.empty());
  for (NodeId id : o.trace_nodes) traced_[id] = true;
  if (o.trace_every > Duration::zero()) trace_every_ticks_ = std::max<std::int64_t>(1, o.trace_every / spec.tick);
}

void Recorder::on_tick(const TickView& view) {
  const std::optional<Duration> bound = bound_ ? bound_->at(view.now()) : std::nullopt;
  view.role_changes(role_changes_);
  for (const NodeRole& r : role_changes_) roles_.update(r);
  const bool trace_this_tick = trace_ && tick_index_ % trace_every_ticks_ == 0;
  ++tick_index_;
  // A trace row needs every node's snapshot, skew.csv's mean every clock's offset; the rest
  // needs only the offsets' extremes.
  const std::vector<NodeSnapshot>* snapshots = trace_this_tick ? &view.snapshot_all() : nullptr;
  std::optional<UpOffsets> extremes;
  if (!snapshots && !skew_ && extremes_) extremes = extremes_(view.now());
  const UpOffsets offsets = snapshots ? up_offsets_of(*snapshots) : extremes ? *extremes : view.up_offsets();
  const TickStats s = compute_tick_stats(view.now(), offsets, !extremes, bound, roles_);
  analysis_.on_roles(s.t, roles_);
  analysis_.on_tick(s);

  if (trace_this_tick) {
    line_.clear();
    for (const NodeSnapshot& n : *snapshots) {
      if (!traced_[n.id]) continue;
      append_int(line_, s.t.ns());
      line_.push_back(',');
      line_.append(view.node_name(n.id));
      line_.push_back(',');
      append_int(line_, n.local_ns);
      line_.push_back(',');
      append_int(line_, n.offset_ns);
      line_.push_back(',');
      line_.append(role_name(n.role));
      line_.append(n.up ? ",1\n" : ",0\n");
      if (line_.size() > (1 << 16)) {
        trace_->write(line_);
        line_.clear();
      }
    }
    trace_->write(line_);
  }
  if (skew_) {
    line_.clear();
    append_int(line_, s.t.ns());
    line_.push_back(',');
    // With no correct node up there is no offset to measure: a 0 would read as perfect agreement.
    if (s.up_nodes > 0) append_int(line_, s.max_skew_ns);
    line_.push_back(',');
    if (s.up_nodes > 0) append_int(line_, s.mean_abs_offset_ns);
    line_.push_back(',');
    if (s.bound) append_int(line_, s.bound->ns());
    line_.push_back(',');
    if (s.master != kNoNode) line_.append(view.node_name(s.master));
    line_.push_back(',');
    append_int(line_, s.masters);
    line_.push_back('\n');
    skew_->write(line_);
  }
}

void Recorder::on_message_sent(Time t, NodeId from, NodeId /*to*/, const Message& msg) {
  analysis_.on_message_sent(t, msg.type, from);
}

void Recorder::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode, CorrectionSource /*source*/) {
  analysis_.on_clock_adjust(t, node, delta, mode);
}

void Recorder::on_event(Time t, NodeId node, const Note& note) {
  analysis_.on_event(t, node, note.kind(), note.subject);
  if (!events_csv_) return;
  const std::string detail = note_text(note, names_);
  line_.clear();
  append_event_row(line_, t, node, note, names_, detail);
  events_csv_->write(line_);

  line_.assign("t=");
  line_.append(fixed_text(t.seconds(), 3));
  line_.append("s ");
  if (node != kNoNode) {
    line_.append(names_(node));
    line_.push_back(' ');
  }
  line_.append(detail);
  line_.push_back('\n');
  events_log_->write(line_);
}

void Recorder::commit() {
  for (auto* f : {trace_.get(), skew_.get(), events_csv_.get(), events_log_.get()}) {
    if (f) f->commit();
  }
}

}  // namespace clocksim::sim
