import time, httpx, gc, statistics
from bench.client_protobuf import CountingRegistry
from client import *
from tests.client.protobuf_support import *
counting = CountingRegistry()
registry = RegistryClient("http://registry.bench", transport=httpx.MockTransport(counting.handle))
ser = EventSerializer(registry)
m = order_created(); o = orders()
de = EventDeserializer(registry, protobuf_classes=[o.OrderCreated])
v = ser.encode("OrderCreated", m)
de.decode(v)
codec = de._codecs_by_prefix[v[:5]]
fs = o.OrderCreated.FromString
h = v[:6]
ev = ser.serialize(Envelope.new("OrderCreated", m, source="b"))
cases = {
 "floor dec": lambda: fs(v[6:]),
 "codec.decode": lambda: codec.decode(v),
 "_decode_framed": lambda: de._decode_framed(v, {}, None),
 "de.decode": lambda: de.decode(v),
 "deserialize": lambda: de.deserialize(ev.value, ev.headers),
 "floor enc": lambda: h + m.SerializeToString(),
 "ser.encode": lambda: ser.encode("OrderCreated", m),
 "ser._target": lambda: ser._target("OrderCreated", None),
 "lambda": lambda: None,
}
samples = {k: [] for k in cases}
B = 50
for _ in range(400):
    for k, f in cases.items():
        gc.disable()
        t = time.thread_time_ns()
        for _ in range(B): f()
        samples[k].append((time.thread_time_ns() - t) / B / 1000)
        gc.enable()
for k, s in samples.items(): print(f"{k:16s} p50 {statistics.median(s):.3f}  p10 {sorted(s)[len(s)//10]:.3f}")
from bench.order_created import ORDER_CREATED_DATA
jev = ser.serialize(Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="b"))
cases2 = {"json decode": lambda: de.decode(jev.value), "json deserialize": lambda: de.deserialize(jev.value, jev.headers),
          "pb decode": lambda: de.decode(ev.value), "pb deserialize": lambda: de.deserialize(ev.value, ev.headers),
          "pb serialize": lambda: ser.serialize(e1), "json serialize": lambda: ser.serialize(e2),
          "pb encode": lambda: ser.encode("OrderCreated", m), "json encode": lambda: ser.encode("OrderPlaced", ORDER_CREATED_DATA)}
e1 = Envelope.new("OrderCreated", m, source="b"); e2 = Envelope.new("OrderPlaced", ORDER_CREATED_DATA, source="b")
samples = {k: [] for k in cases2}
for _ in range(300):
    for k, f in cases2.items():
        gc.disable()
        t = time.thread_time_ns()
        for _ in range(B): f()
        samples[k].append((time.thread_time_ns() - t) / B / 1000)
        gc.enable()
for k, s in samples.items(): print(f"{k:16s} p50 {statistics.median(s):.3f}  p10 {sorted(s)[len(s)//10]:.3f}")
