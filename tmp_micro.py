import timeit, httpx
from bench.client_protobuf import CountingRegistry
from client import *
from client.serde import Payload
from tests.client.protobuf_support import *
counting = CountingRegistry()
registry = RegistryClient("http://registry.bench", transport=httpx.MockTransport(counting.handle))
ser = EventSerializer(registry)
m = order_created()
o = orders()
de = EventDeserializer(registry, protobuf_classes=[o.OrderCreated])
v = ser.encode("OrderCreated", m)
de.decode(v)
codec = de._codecs_by_prefix[v[:5]]
fs = o.OrderCreated.FromString
N=100000
def t(name, stmt):
    r = min(timeit.repeat(stmt, globals=globals(), number=N, repeat=7))
    print(f"{name:40s} {r/N*1e6:.3f} us")
t("floor FromString", "fs(v[6:])")
t("codec.decode", "codec.decode(v)")
t("de._decode_framed", "de._decode_framed(v, {}, None)")
t("de.decode", "de.decode(v)")
t("Payload()", "Payload(1, m)")
t("floor ser", "b'\\x00\\x00\\x00\\x00\\x01\\x00' + m.SerializeToString()")
t("codec enc", "ser._latest_targets['OrderCreated'].codec.encode(m)")
t("ser._target", "ser._target('OrderCreated', None)")
t("ser.encode", "ser.encode('OrderCreated', m)")
t("registry.get_latest_version", "registry.get_latest_version('OrderCreated')")
