namespace Dumpkit.Tcpdump.Print;

/// <summary>Linux vsock monitor link type (LINKTYPE_VSOCK): af_vsockmon header and the virtio transport header.</summary>
internal static class Vsock
{
    private const int HdrLen = 32, VirtioLen = 44;

    public static int IfPrint(Nd nd, int caplen)
    {
        nd.Proto = "vsock";
        if (caplen < HdrLen) { nd.PrintTrunc(); return caplen; }
        int transport = nd.Le16(26);
        nd.P(transport switch { 0 => "UNKNOWN", 1 => "NO_INFO", 2 => "VIRTIO", _ => $"Invalid transport ({transport})" });
        int thdr = transport == 2 ? VirtioLen : 0;
        bool bad = false;
        if (nd.V > 0)
        {
            if (caplen < HdrLen + thdr) bad = true;
            else
            {
                if (transport == 2) Virtio(nd, HdrLen);
                nd.P("\n\t");
            }
        }
        else nd.P(' ');
        ulong srcCid = nd.Le64(0), dstCid = nd.Le64(8);
        uint srcPort = nd.Le32(16), dstPort = nd.Le32(20);
        int op = nd.Le16(24);
        string ops = op switch { 0 => "UNKNOWN", 1 => "CONNECT", 2 => "DISCONNECT", 3 => "CONTROL", 4 => "PAYLOAD", _ => $" invalid op ({op})" };
        nd.P($"{srcCid}.{srcPort} > {dstCid}.{dstPort} {ops}, length {(uint)caplen}");
        if (bad) { nd.PrintTrunc(); return HdrLen; }
        int total = HdrLen + thdr;
        if (nd.V > 1 && op == 4)
        {
            if (caplen > total)
            {
                nd.P('\n');
                Icmp.UnknownData(nd, total, "\t", caplen - total);
            }
            else nd.PrintTrunc();
        }
        return HdrLen;
    }

    private static void Virtio(Nd nd, int h)
    {
        nd.P(" (");
        nd.P($"len {nd.Le32(h + 24)}");
        int type = nd.Le16(h + 28);
        nd.P($", type {(type == 1 ? "STREAM" : $"Invalid type ({type})")}");
        int op = nd.Le16(h + 30);
        string ops = op switch
        {
            0 => "INVALID", 1 => "REQUEST", 2 => "RESPONSE", 3 => "RST", 4 => "SHUTDOWN", 5 => "RW", 6 => "CREDIT UPDATE",
            7 => "CREDIT REQUEST", _ => $"Invalid op ({op})",
        };
        nd.P($", op {ops}");
        nd.P($", flags {nd.Le32(h + 32):x}");
        nd.P($", buf_alloc {nd.Le32(h + 36)}");
        nd.P($", fwd_cnt {nd.Le32(h + 40)}");
        nd.P(")");
    }
}

internal sealed partial class Nd
{
    public ulong Le64(int off)
    {
        if (off < 0 || off + 8 > SnapEnd) Trunc();
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(Buf.AsSpan(off));
    }
}
