import timeit, httpx, time
from bench.client_protobuf import CountingRegistry
from client import *
from tests.client.protobuf_support import *
counting = CountingRegistry()
registry = RegistryClient("http://registry.bench", transport=httpx.MockTransport(counting.handle))
ser = EventSerializer(registry)
m = order_created()
v = ser.encode("OrderCreated", m)
codec = ser._latest_targets['OrderCreated'].codec
h = v[:6]
N=20000
cases = {
 "floor": "h + m.SerializeToString()",
 "codec.encode": "codec.encode(m)",
 "ser.encode": "ser.encode('OrderCreated', m)",
 "ser._target": "ser._target('OrderCreated', None)",
 "get_latest": "registry.get_latest_version('OrderCreated')",
 "monotonic": "time.monotonic()",
 "noop call": "f()",
}
def f(): pass
best = {k: 1e9 for k in cases}
for _ in range(40):
    for k, stmt in cases.items():
        r = timeit.timeit(stmt, globals=globals(), number=N)/N*1e6
        best[k] = min(best[k], r)
for k, r in best.items(): print(f"{k:20s} {r:.3f}")
