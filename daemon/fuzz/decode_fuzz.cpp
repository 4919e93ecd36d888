// libFuzzer entry for the wire format (version 2): any byte string must decode to a packet or a
// drop reason without a crash, an out-of-bounds read (ASan) or UB (UBSan). A packet that decodes
// must re-encode to the very same bytes (the encoding is canonical), and then goes through a
// receiving Channel's freshness state as the loop would (which must never deliver a packet twice).
//
// Half of the inputs (first byte odd) are built into a *valid* packet from the fuzzer's bytes and
// then damaged by a few (position, xor) edits and an optional cut, so that the checks behind the
// MAC and length gates are exercised too, not only the header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <span>
#include <vector>

#include "node/wire/channel.hpp"
#include "node/wire/codec.hpp"

namespace {
using namespace clocksim::node::wire;

constexpr clocksim::NodeId kSelf = 1;

const ClusterKey& fuzz_key() {
  static const ClusterKey key(std::vector<std::uint8_t>(32, 0x5A));
  return key;
}
// Pair keys with senders 2 and 3 (key id 7), as a per-pair keyring holds them.
const Keyring& fuzz_ring() {
  static const Keyring ring = [] {
    Keyring r;
    r.add(2, 7, fuzz_key());
    r.add(3, 7, fuzz_key());
    return r;
  }();
  return ring;
}
const Keyring& fuzz_shared_ring() {
  static const Keyring ring = Keyring::shared(fuzz_key());
  return ring;
}

void check_round_trip(std::span<const std::uint8_t> in, const DecodeResult& r, bool keyed) {
  if (!r.ok()) return;
  const Packet p = encode(r.packet->envelope, r.packet->message, keyed ? &fuzz_key() : nullptr);
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
  env.sender = static_cast<std::uint32_t>(r.take(1) % 4);
  env.receiver = static_cast<std::uint32_t>(r.take(1) % 3);
  env.key_id = static_cast<std::uint32_t>(r.take(1) % 8);
  env.sender_epoch = r.take(1);
  env.receiver_epoch = r.take(1) % 3;  // the receiving channel's epoch is 1 or 2
  env.counter = r.take(2);
  env.kind = static_cast<PacketKind>(r.take(1) % 3);
  clocksim::Message m;
  m.type = static_cast<clocksim::MsgType>(r.take(1));
  m.hops = static_cast<std::uint8_t>(r.take(1));
  m.flags = static_cast<std::uint16_t>(r.take(2));
  m.seq = static_cast<std::uint32_t>(r.take(4));
  m.subject = static_cast<std::uint32_t>(r.take(4));
  m.term = static_cast<std::uint32_t>(r.take(4));
  m.t1_ns = static_cast<std::int64_t>(r.take(8));
  m.value_ns = static_cast<std::int64_t>(r.take(8));
  m.rate_ppb = static_cast<std::int64_t>(r.take(8));
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
  const bool typed = env.kind != PacketKind::kMessage || clocksim::is_known_msg_type(static_cast<std::uint8_t>(m.type));
  if (edits == 0 && cut >= kMaxPacketSize && typed) {
    // Undamaged and well-typed: must decode with the matching key setting.
    Keyring matching;
    matching.add(env.sender, env.key_id, fuzz_key());
    if (!decode(p.view(), env.cluster, env.receiver, with_key ? &matching : nullptr).ok()) std::abort();
  }
}

// A receiving node 1 with peers 2 and 3, restarted (new epoch) now and then: what it delivers
// must never repeat within one run.
struct Receiver {
  std::uint64_t epoch = 1;
  Channel channel = make(1);
  std::set<std::pair<std::uint64_t, std::uint64_t>> delivered;  // (sender epoch, counter) per run
  std::int64_t now = 0;
  static Channel make(std::uint64_t epoch) {
    ChannelConfig c;
    c.self = kSelf;
    c.peers = {2, 3};
    c.epoch = epoch;
    c.hello_interval_ns = 10;
    return Channel(c, &fuzz_ring());
  }
  void feed(std::span<const std::uint8_t> in, std::uint32_t cluster) {
    if (++now % 1000 == 0) {
      epoch = epoch == 1 ? 2 : 1;
      ChannelConfig c;
      channel = make(epoch);
      delivered.clear();
    }
    (void)cluster;
    const Channel::Opened o = channel.open(in, clocksim::node::MonoTime::from_ns(now));
    if (o.deliver) {
      const auto& e = o.deliver->envelope;
      if (e.receiver_epoch != epoch) std::abort();  // a stale packet got through
      if (!delivered.insert({e.sender * 1'000'003ULL + e.sender_epoch, e.counter}).second) std::abort();
    }
  }
};

void decode_all_ways(std::span<const std::uint8_t> in) {
  const std::uint8_t* data = in.data();
  const std::size_t size = in.size();
  // Use the packet's own cluster and receiver fields so the fuzzer can reach the checks behind.
  std::uint32_t cluster = 0, receiver = 0;
  if (size >= 24) {
    cluster = (std::uint32_t{data[12]} << 24) | (std::uint32_t{data[13]} << 16) | (std::uint32_t{data[14]} << 8) | data[15];
    receiver = (std::uint32_t{data[20]} << 24) | (std::uint32_t{data[21]} << 16) | (std::uint32_t{data[22]} << 8) | data[23];
  }
  for (const Keyring* ring : {static_cast<const Keyring*>(nullptr), &fuzz_ring(), &fuzz_shared_ring()}) {
    const DecodeResult r = decode(in, cluster, receiver, ring);
    if (!r.ok() && drop_reason_name(r.reason) == "?") std::abort();
    check_round_trip(in, r, ring != nullptr);
  }
  if (cluster == 0) {
    static Receiver rx;
    rx.feed(in, cluster);
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
