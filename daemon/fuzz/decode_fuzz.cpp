// libFuzzer entry for the wire decoder: any byte string must decode to a packet or a drop
// reason without a crash, an out-of-bounds read (ASan) or UB (UBSan). A packet that decodes must
// re-encode to the very same bytes (the encoding is canonical), and its sender sequence number
// goes through a replay window as the loop would.
//
// Half of the inputs (first byte odd) are built into a *valid* packet from the fuzzer's bytes and
// then damaged by a few (position, xor) edits and an optional cut, so that the checks behind the
// MAC and length gates are exercised too, not only the header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "node/wire/codec.hpp"
#include "node/wire/replay_window.hpp"

namespace {
using namespace clocksim::node::wire;

const ClusterKey& fuzz_key() {
  static const ClusterKey key(std::vector<std::uint8_t>(32, 0x5A));
  return key;
}

void check_round_trip(std::span<const std::uint8_t> in, const DecodeResult& r, const ClusterKey* key) {
  if (!r.ok()) return;
  const Packet p = encode(r.packet->envelope, r.packet->message, key);
  if (p.size != in.size() || std::memcmp(p.bytes.data(), in.data(), in.size()) != 0) std::abort();
}

void decode_all_ways(std::span<const std::uint8_t> in);

// Reads fields from the fuzzer's bytes (zero once they run out).
struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  std::uint64_t take(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v = (v << 8) | (n ? *p : 0);
      if (n) ++p, --n;
    }
    return v;
  }
};

void build_then_damage(const std::uint8_t* data, std::size_t size) {
  Reader r{data, size};
  Envelope env;
  env.cluster = static_cast<std::uint32_t>(r.take(1));  // small: often equal to a valid one
  env.sender = static_cast<std::uint32_t>(r.take(4));
  env.sender_seq = r.take(8);
  clocksim::Message m;
  m.type = static_cast<clocksim::MsgType>(r.take(1));
  m.hops = static_cast<std::uint8_t>(r.take(1));
  m.flags = static_cast<std::uint16_t>(r.take(2));
  m.seq = static_cast<std::uint32_t>(r.take(4));
  m.subject = static_cast<std::uint32_t>(r.take(4));
  m.term = static_cast<std::uint32_t>(r.take(4));
  m.t1_ns = static_cast<std::int64_t>(r.take(8));
  m.value_ns = static_cast<std::int64_t>(r.take(8));
  const bool with_key = r.take(1) & 1;
  Packet p = encode(env, m, with_key ? &fuzz_key() : nullptr);
  const std::size_t edits = r.take(1) % 4;
  for (std::size_t i = 0; i < edits; ++i) {
    const std::size_t at = r.take(1) % p.size;
    p.bytes[at] ^= static_cast<std::uint8_t>(r.take(1));
  }
  const std::size_t cut = r.take(1);
  if (cut < p.size) p.size = cut;
  decode_all_ways(p.view());
  if (edits == 0 && cut >= kMaxPacketSize && clocksim::is_known_msg_type(static_cast<std::uint8_t>(m.type))) {
    // Undamaged and well-typed: must decode with the matching key setting.
    if (!decode(p.view(), env.cluster, with_key ? &fuzz_key() : nullptr).ok()) std::abort();
  }
}

void decode_all_ways(std::span<const std::uint8_t> in) {
  const std::uint8_t* data = in.data();
  const std::size_t size = in.size();
  // Use the packet's own cluster field so the fuzzer can reach the checks behind it.
  std::uint32_t cluster = 0;
  if (size >= 16) cluster = (std::uint32_t{data[12]} << 24) | (std::uint32_t{data[13]} << 16) |
                            (std::uint32_t{data[14]} << 8) | data[15];
  static ReplayWindow window;
  for (const ClusterKey* key : {static_cast<const ClusterKey*>(nullptr), &fuzz_key()}) {
    const DecodeResult r = decode(in, cluster, key);
    if (!r.ok() && drop_reason_name(r.reason) == "?") std::abort();
    check_round_trip(in, r, key);
    if (r.ok()) window.accept(r.packet->envelope.sender_seq);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0 && (data[0] & 1)) {
    build_then_damage(data + 1, size - 1);
  } else {
    decode_all_ways({data, size});
  }
  return 0;
}
