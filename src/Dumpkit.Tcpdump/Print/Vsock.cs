// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>Linux vsock monitor link type (LINKTYPE_VSOCK): af_vsockmon header and the virtio transport header.</summary>
/// <remarks>Specification: Linux's vsockmon header (include/uapi/linux/vsockmon.h) and the virtio vsock header.</remarks>
internal static class Vsock
{
    private const int HdrLen = 32, VirtioLen = 44;

    public static int IfPrint(PrintContext nd, int caplen)
    {
        nd.Proto = "vsock";
        if (caplen < HdrLen) { nd.PrintTrunc(); return caplen; }
        int transport = nd.Le16(26);
        nd.Print(transport switch { 0 => "UNKNOWN", 1 => "NO_INFO", 2 => "VIRTIO", _ => $"Invalid transport ({transport})" });
        int thdr = transport == 2 ? VirtioLen : 0;
        bool bad = false;
        if (nd.Verbose > 0)
        {
            if (caplen < HdrLen + thdr) bad = true;
            else
            {
                if (transport == 2) Virtio(nd, HdrLen);
                nd.Print("\n\t");
            }
        }
        else nd.Print(' ');
        ulong srcCid = nd.Le64(0), dstCid = nd.Le64(8);
        uint srcPort = nd.Le32(16), dstPort = nd.Le32(20);
        int op = nd.Le16(24);
        string ops = op switch { 0 => "UNKNOWN", 1 => "CONNECT", 2 => "DISCONNECT", 3 => "CONTROL", 4 => "PAYLOAD", _ => $" invalid op ({op})" };
        nd.Print($"{srcCid}.{srcPort} > {dstCid}.{dstPort} {ops}, length {(uint)caplen}");
        if (bad) { nd.PrintTrunc(); return HdrLen; }
        int total = HdrLen + thdr;
        if (nd.Verbose > 1 && op == 4)
        {
            if (caplen > total)
            {
                nd.Print('\n');
                HexDump.UnknownData(nd, total, "\t", caplen - total);
            }
            else nd.PrintTrunc();
        }
        return HdrLen;
    }

    private static void Virtio(PrintContext nd, int h)
    {
        nd.Print(" (");
        nd.Print($"len {nd.Le32(h + 24)}");
        int type = nd.Le16(h + 28);
        nd.Print($", type {(type == 1 ? "STREAM" : $"Invalid type ({type})")}");
        int op = nd.Le16(h + 30);
        string ops = op switch
        {
            0 => "INVALID", 1 => "REQUEST", 2 => "RESPONSE", 3 => "RST", 4 => "SHUTDOWN", 5 => "RW", 6 => "CREDIT UPDATE",
            7 => "CREDIT REQUEST", _ => $"Invalid op ({op})",
        };
        nd.Print($", op {ops}");
        nd.Print($", flags {nd.Le32(h + 32):x}");
        nd.Print($", buf_alloc {nd.Le32(h + 36)}");
        nd.Print($", fwd_cnt {nd.Le32(h + 40)}");
        nd.Print(")");
    }
}
