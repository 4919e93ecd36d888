// libFuzzer entry for the wire format (version 2): any byte string must decode to a packet or a
// drop reason without a crash, an out-of-bounds read (ASan) or UB (UBSan). A packet that decodes
// must re-encode to the very same bytes (the encoding is canonical), and then goes through a
// receiving Channel's freshness state as the loop would (which must never deliver a packet twice).
//
// An input that starts with the magic is a datagram as it comes off the wire. Of the others, half
// (first byte odd) are built into a *valid* packet from the fuzzer's bytes and then damaged by a
// few (position, xor) edits and an optional cut, so that the checks behind the MAC and length
// gates are exercised too, not only the header; the rest are decoded as they are.
//
// The mutator knows the layout (LLVMFuzzerCustomMutator): most of the time it reads a datagram's
// fields, sets one or two of them to values at the edges that matter (the receiving channel's
// epochs, counters at the replay window's edges, int64 and uint32 extremes, every packet kind and
// message type) and signs the result again with the pair key, so that a mutated packet passes the
// MAC and reaches the freshness and replay checks behind it, which byte flips alone almost never
// do; otherwise it leaves the bytes to libFuzzer's own mutations.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
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
  std::map<clocksim::NodeId, std::uint64_t> sender_epoch;        // the latest delivered, per sender
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
      sender_epoch.clear();
    }
    (void)cluster;
    const Channel::Opened o = channel.open(in, clocksim::node::MonoTime::from_ns(now));
    if (o.deliver) {
      const auto& e = o.deliver->envelope;
      if (e.receiver_epoch != epoch) std::abort();  // a stale packet got through
      if (!delivered.insert({e.sender * 1'000'003ULL + e.sender_epoch, e.counter}).second) std::abort();
      // A peer's start-up stamp only grows: an earlier run's packet is never delivered after a later one's.
      std::uint64_t& latest = sender_epoch[e.sender];
      if (e.sender_epoch < latest) std::abort();
      latest = e.sender_epoch;
      if (e.sender != 2 && e.sender != 3) std::abort();  // only configured peers are delivered
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


// ---- structure-aware mutation --------------------------------------------------------------

bool starts_with_magic(const std::uint8_t* data, std::size_t size) {
  return size >= 4 && ((std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) | (std::uint32_t{data[2]} << 8) |
                       data[3]) == kMagic;
}

std::uint64_t be(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

// The fields of a datagram of at least kUnauthPacketSize bytes, read whatever their validity.
void read_fields(const std::uint8_t* d, Envelope& env, clocksim::Message& m) {
  m.type = static_cast<clocksim::MsgType>(d[5]);
  env.kind = static_cast<PacketKind>(d[9]);
  env.cluster = static_cast<std::uint32_t>(be(d + 12, 4));
  env.sender = static_cast<std::uint32_t>(be(d + 16, 4));
  env.receiver = static_cast<std::uint32_t>(be(d + 20, 4));
  env.key_id = static_cast<std::uint32_t>(be(d + 24, 4));
  env.sender_epoch = be(d + 28, 8);
  env.receiver_epoch = be(d + 36, 8);
  env.counter = be(d + 44, 8);
  m.hops = d[52];
  m.flags = static_cast<std::uint16_t>(be(d + 54, 2));
  m.seq = static_cast<std::uint32_t>(be(d + 56, 4));
  m.subject = static_cast<std::uint32_t>(be(d + 60, 4));
  m.term = static_cast<std::uint32_t>(be(d + 64, 4));
  m.t1_ns = static_cast<std::int64_t>(be(d + 68, 8));
  m.t2_ns = static_cast<std::int64_t>(be(d + 76, 8));
  m.t3_ns = static_cast<std::int64_t>(be(d + 84, 8));
  m.value_ns = static_cast<std::int64_t>(be(d + 92, 8));
  m.rate_ppb = static_cast<std::int64_t>(be(d + 100, 8));
}

// A packet the receiving channel (node 1, peers 2 and 3, epochs 1 and 2) would take, from the rng.
void fresh_fields(std::minstd_rand& rng, Envelope& env, clocksim::Message& m) {
  env = Envelope{};
  env.sender = 2 + rng() % 2;
  env.receiver = kSelf;
  env.key_id = 7;
  env.sender_epoch = 1 + rng() % 3;
  env.receiver_epoch = 1 + rng() % 2;
  env.counter = 1 + rng() % 80;
  env.kind = static_cast<PacketKind>(rng() % 8 == 0 ? 1 + rng() % 2 : 0);
  m = clocksim::Message{};
  m.type = static_cast<clocksim::MsgType>(rng() % (clocksim::kMsgTypeMax + 1));
}

std::uint64_t edge_value(std::minstd_rand& rng, std::uint64_t now) {
  static constexpr std::uint64_t kEdges[] = {0, 1, 2, 3, 63, 64, 65, 127, 128, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                             0x7FFFFFFFFFFFFFFFULL, 0x8000000000000000ULL, 0xFFFFFFFFFFFFFFFFULL};
  switch (rng() % 4) {
    case 0: return kEdges[rng() % std::size(kEdges)];
    case 1: return now + 1;
    case 2: return now - 1 - rng() % 70;  // inside, at and past the 64-wide window
    default: return (std::uint64_t{rng()} << 32) ^ rng();
  }
}

void mutate_field(std::minstd_rand& rng, Envelope& env, clocksim::Message& m) {
  auto pick = [&](std::uint64_t now) { return edge_value(rng, now); };
  switch (rng() % 18) {
    case 0: env.cluster = rng() % 4 == 0 ? static_cast<std::uint32_t>(pick(env.cluster)) : 0; break;
    case 1: env.sender = rng() % 2 ? 2 + rng() % 2 : static_cast<std::uint32_t>(pick(env.sender)); break;
    case 2: env.receiver = rng() % 2 ? kSelf : static_cast<std::uint32_t>(pick(env.receiver)); break;
    case 3: env.key_id = rng() % 2 ? 7 : static_cast<std::uint32_t>(pick(env.key_id)); break;
    case 4: env.sender_epoch = rng() % 2 ? 1 + rng() % 3 : pick(env.sender_epoch); break;
    case 5: env.receiver_epoch = rng() % 2 ? 1 + rng() % 2 : pick(env.receiver_epoch); break;
    case 6:
    case 7: env.counter = pick(env.counter); break;
    case 8: env.kind = static_cast<PacketKind>(rng() % 4); break;
    case 9: m.type = static_cast<clocksim::MsgType>(rng() % 2 ? rng() % (clocksim::kMsgTypeMax + 1) : rng() % 256); break;
    case 10: m.hops = static_cast<std::uint8_t>(pick(m.hops)); break;
    case 11: m.flags = static_cast<std::uint16_t>(pick(m.flags)); break;
    case 12: m.seq = static_cast<std::uint32_t>(pick(m.seq)); break;
    case 13: m.subject = static_cast<std::uint32_t>(pick(m.subject)); break;
    case 14: m.term = static_cast<std::uint32_t>(pick(m.term)); break;
    case 15: m.t1_ns = static_cast<std::int64_t>(pick(static_cast<std::uint64_t>(m.t1_ns))); break;
    case 16: m.value_ns = static_cast<std::int64_t>(pick(static_cast<std::uint64_t>(m.value_ns))); break;
    default: m.rate_ppb = static_cast<std::int64_t>(pick(static_cast<std::uint64_t>(m.rate_ppb))); break;
  }
}

}  // namespace

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  std::minstd_rand rng(seed);
  if (max_size < kMaxPacketSize || rng() % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  Envelope env;
  clocksim::Message m;
  if (starts_with_magic(data, size) && size >= kUnauthPacketSize && rng() % 8 != 0) {
    read_fields(data, env, m);
    for (unsigned i = 1 + rng() % 2; i > 0; --i) mutate_field(rng, env, m);
  } else {
    fresh_fields(rng, env, m);
  }
  // Mostly signed with the pair key; now and then unsigned, which a keyed receiver must refuse.
  const Packet p = encode(env, m, rng() % 8 != 0 ? &fuzz_key() : nullptr);
  std::memcpy(data, p.bytes.data(), p.size);
  return p.size;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (starts_with_magic(data, size)) {
    decode_all_ways({data, size});
  } else if (size > 0 && (data[0] & 1)) {
    build_then_damage(data + 1, size - 1);
  } else {
    decode_all_ways({data, size});
  }
  return 0;
}
