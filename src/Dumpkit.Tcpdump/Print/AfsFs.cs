// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// The AFS file service (Rx port 7000) and cache manager callback service (port 7001): calls with their arguments
/// (file identifiers, names, StoreStatus, offsets, ACLs, callbacks) and the replies tcpdump decodes (ACLs, new
/// files, the root volume, the time; aborts with the file server's error names).
/// </summary>
/// <remarks>Specification: OpenAFS fsint/afsint.xg (RXAFS_*) and fsint/afscbint.xg (RXAFSCB_*), with the ACL text
/// format of the "fs listacl" command (counts, then "name rights" lines).</remarks>
internal static class AfsFs
{
    private static readonly Tok[] FsOps =
    [
        new(130, "fetch-data"), new(131, "fetch-acl"), new(132, "fetch-status"), new(133, "store-data"), new(134, "store-acl"),
        new(135, "store-status"), new(136, "remove-file"), new(137, "create-file"), new(138, "rename"), new(139, "symlink"),
        new(140, "link"), new(141, "makedir"), new(142, "rmdir"), new(143, "oldsetlock"), new(144, "oldextlock"),
        new(145, "oldrellock"), new(146, "get-stats"), new(147, "give-cbs"), new(148, "get-vlinfo"), new(149, "get-vlstats"),
        new(150, "set-vlstats"), new(151, "get-rootvl"), new(152, "check-token"), new(153, "get-time"), new(154, "nget-vlinfo"),
        new(155, "bulk-stat"), new(156, "setlock"), new(157, "extlock"), new(158, "rellock"), new(159, "xstat-ver"),
        new(160, "get-xstat"), new(161, "dfs-lookup"), new(162, "dfs-flushcps"), new(163, "dfs-symlink"), new(220, "residency"),
        new(65536, "inline-bulk-status"), new(65537, "fetch-data-64"), new(65538, "store-data-64"), new(65539, "give-up-all-cbs"),
        new(65540, "get-caps"), new(65541, "cb-rx-conn-addr"),
    ];

    private static readonly Tok[] CbOps =
    [
        new(204, "callback"), new(205, "initcb"), new(206, "probe"), new(207, "getlock"), new(208, "getce"), new(209, "xstatver"),
        new(210, "getxstat"), new(211, "initcb2"), new(212, "whoareyou"), new(213, "initcb3"), new(214, "probeuuid"),
        new(215, "getsrvprefs"), new(216, "getcellservdb"), new(217, "getlocalcell"), new(218, "getcacheconf"),
        new(65536, "getce64"), new(65537, "getcellbynum"), new(65538, "tellmeaboutyourself"),
    ];

    private static readonly Tok[] FsErrors =
    [
        new(101, "salvage volume"), new(102, "no such vnode"), new(103, "no such volume"), new(104, "volume exist"),
        new(105, "no service"), new(106, "volume offline"), new(107, "voline online"), new(108, "diskfull"),
        new(109, "diskquota exceeded"), new(110, "volume busy"), new(111, "volume moved"), new(112, "AFS IO error"),
        new(0xffffff9c, "restarting fileserver"),
    ];

    private const uint NameMax = 256, OpaqueMax = 1024;

    /// <summary>"call NAME" or "reply NAME" of a service's opcode table ("op#N" when unnamed).</summary>
    internal static void Op(PrintContext nd, string what, Tok[] ops, uint op)
    {
        nd.Print(what);
        if (Toks.Find(ops, op) is { } name) nd.Print(name);
        else nd.Print($"op#{op}");
    }

    /// <summary>Runs print over the arguments after the Rx header and skip bytes; a field cut short ends in " [|svc]".</summary>
    internal static void Args(PrintContext nd, int bp, int skip, string mark, Action<AfsArgs> print)
    {
        try { print(new AfsArgs(nd, bp + Rx.HeaderSize + skip)); }
        catch (AfsTruncated) { nd.Print(mark); }
    }

    public static void FsCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        Op(nd, " fs call ", FsOps, op);
        Args(nd, bp, 4, " [|fs]", a => FsCallArgs(nd, a, op));
    }

    private static void FsCallArgs(PrintContext nd, AfsArgs a, uint op)
    {
        switch (op)
        {
            case 130: a.Fid(); nd.Print(" offset"); a.UInt(); nd.Print(" length"); a.UInt(); break;
            case 131 or 132 or 143 or 144 or 145 or 156 or 157 or 158: a.Fid(); break;
            case 135: a.Fid(); a.StoreStatus(); break;
            case 133:
                a.Fid(); a.StoreStatus();
                nd.Print(" offset"); a.UInt(); nd.Print(" length"); a.UInt(); nd.Print(" flen"); a.UInt();
                break;
            case 134: a.Fid(); Acl(nd, a); break;
            case 137 or 141: a.Fid(); a.Str(NameMax); a.StoreStatus(); break;
            case 136 or 142: a.Fid(); a.Str(NameMax); break;
            case 138: nd.Print(" old"); a.Fid(); a.Str(NameMax); nd.Print(" new"); a.Fid(); a.Str(NameMax); break;
            case 139: a.Fid(); a.Str(NameMax); nd.Print(" link to"); a.Str(NameMax); break;
            case 140: a.Fid(); a.Str(NameMax); nd.Print(" link to"); a.Fid(); break;
            case 148: a.Str(NameMax); break;
            case 149 or 150: nd.Print(" volid"); a.UInt(); break;
            case 154: nd.Print(" volname"); a.Str(NameMax); break;
            case 155 or 65536: a.List(x => x.Fid(), ","); break;
            case 65537: a.Fid(); nd.Print(" offset"); a.UInt64(); nd.Print(" length"); a.UInt64(); break;
            case 65538:
                a.Fid(); a.StoreStatus();
                nd.Print(" offset"); a.UInt64(); nd.Print(" length"); a.UInt64(); nd.Print(" flen"); a.UInt64();
                break;
            case 65541: nd.Print(" addr"); a.UInt(); break;
        }
    }

    public static void FsReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length <= Rx.HeaderSize) return;
        Op(nd, " fs reply ", FsOps, op);
        int type = nd.U8(bp + 20);
        if (type == Rx.TypeData)
        {
            Args(nd, bp, 0, " [|fs]", a =>
            {
                switch (op)
                {
                    case 131: Acl(nd, a); break;
                    case 137 or 141: nd.Print(" new"); a.Fid(); break;
                    case 151: nd.Print(" root volume"); a.Str(NameMax); break;
                    case 153: a.Date(); break;
                }
            });
        }
        else if (type == Rx.TypeAbort)
        {
            uint code = nd.Be32(bp + Rx.HeaderSize);
            nd.Print(" error ");
            if (Toks.Find(FsErrors, code) is { } name) nd.Print(name);
            else nd.Print($"#{(int)code}");
        }
        else nd.Print($" strange fs reply of type {type}");
    }

    public static void CbCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        Op(nd, " cb call ", CbOps, op);
        Args(nd, bp, 4, " [|cb]", a =>
        {
            switch (op)
            {
                case 204:
                    a.List(x => x.Fid(), ",");
                    uint n = a.U32();
                    if (n != 0) nd.Print(";");
                    for (uint k = 0; k < n; k++)
                    {
                        nd.Print(" ver"); a.Int(); nd.Print(" expires"); a.Date();
                        a.U32(); // the callback type, read but not printed
                    }
                    break;
                case 214: nd.Print(" afsuuid"); a.Uuid(); break;
            }
        });
    }

    public static void CbReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length <= Rx.HeaderSize) return;
        Op(nd, " cb reply ", CbOps, op);
        int type = nd.U8(bp + 20);
        Args(nd, bp, 0, " [|cb]", a =>
        {
            if (type != Rx.TypeData) { nd.Print(" errcode"); a.Int(); }
            else if (op == 213) a.Uuid();
        });
    }

    /// <summary>An ACL as text ("+{name rights}" for each positive, "-{...}" for each negative entry), read as
    /// sscanf reads it from the string the counted opaque holds (up to its first NUL, at most 1024 bytes).</summary>
    private static void Acl(PrintContext nd, AfsArgs a)
    {
        uint n = a.U32();
        a.Need(n);
        int len = (int)Math.Min(OpaqueMax, n), end = 0;
        var s = nd.Bytes(a.P, len);
        while (end < len && s[end] != 0) end++;
        s = s[..end];
        var scan = new AclScanner(s);
        if (!scan.Int(out int pos) || !scan.Int(out int neg)) return;
        scan.Spaces();
        for (int k = 0; k < pos; k++)
            if (!AclEntry(nd, ref scan, " +{")) return;
        for (int k = 0; k < neg; k++)
            if (!AclEntry(nd, ref scan, " -{")) return;
    }

    private static bool AclEntry(PrintContext nd, ref AclScanner scan, string open)
    {
        if (!scan.Word(out var user) || !scan.Int(out int acl)) return false;
        scan.Spaces();
        nd.Print(open);
        foreach (byte c in user) Text.PrintChar(nd, c);
        nd.Print(' ');
        // rights in the order the fs command lists them
        if ((acl & 1) != 0) nd.Print('r');
        if ((acl & 8) != 0) nd.Print('l');
        if ((acl & 4) != 0) nd.Print('i');
        if ((acl & 16) != 0) nd.Print('d');
        if ((acl & 2) != 0) nd.Print('w');
        if ((acl & 32) != 0) nd.Print('k');
        if ((acl & 64) != 0) nd.Print('a');
        nd.Print('}');
        return true;
    }

    /// <summary>The C library's scanf conversions the ACL text needs: %d (whitespace, sign, decimal digits, the value
    /// clamped to a long and cut to an int) and %s (whitespace, then a word), with whitespace as the C locale's.</summary>
    private ref struct AclScanner(ReadOnlySpan<byte> s)
    {
        private readonly ReadOnlySpan<byte> _s = s;
        private int _i;

        private static bool IsSpace(byte c) => c == ' ' || (c >= 9 && c <= 13);

        public void Spaces()
        {
            while (_i < _s.Length && IsSpace(_s[_i])) _i++;
        }

        public bool Int(out int v)
        {
            v = 0;
            Spaces();
            bool neg = false;
            if (_i < _s.Length && (_s[_i] == '+' || _s[_i] == '-')) neg = _s[_i++] == '-';
            int start = _i;
            UInt128 mag = 0;
            while (_i < _s.Length && _s[_i] >= '0' && _s[_i] <= '9')
            {
                if (mag <= ulong.MaxValue) mag = mag * 10 + (uint)(_s[_i] - '0');
                _i++;
            }
            if (_i == start) return false;
            long l;
            if (neg) l = mag >= (UInt128)long.MaxValue + 1 ? long.MinValue : -(long)mag;
            else l = mag > long.MaxValue ? long.MaxValue : (long)mag;
            v = (int)l;
            return true;
        }

        public bool Word(out ReadOnlySpan<byte> w)
        {
            Spaces();
            int start = _i;
            while (_i < _s.Length && !IsSpace(_s[_i])) _i++;
            w = _s[start.._i];
            return _i > start;
        }
    }
}
