// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// The replicated AFS database services: protection (Rx port 7002), volume location (7003) and authentication
/// (7004), their calls, arguments and the replies tcpdump decodes (ids, names, VLDB entries with their servers and
/// partitions), and the Ubik voting and disk calls any of the three may carry.
/// </summary>
/// <remarks>Specification: OpenAFS ptserver/ptint.xg (PR_*), vlserver/vldbint.xg (VL_*), kauth/kauth.rg (KAA_,
/// KAT_, KAM_*) and ubik/ubik_int.xg (VOTE_*, DISK_*).</remarks>
internal static class AfsDb
{
    private static readonly Tok[] PtOps =
    [
        new(500, "new-user"), new(501, "where-is-it"), new(502, "dump-entry"), new(503, "add-to-group"), new(504, "name-to-id"),
        new(505, "id-to-name"), new(506, "delete"), new(507, "remove-from-group"), new(508, "get-cps"), new(509, "new-entry"),
        new(510, "list-max"), new(511, "set-max"), new(512, "list-entry"), new(513, "change-entry"), new(514, "list-elements"),
        new(515, "same-mbr-of"), new(516, "set-fld-sentry"), new(517, "list-owned"), new(518, "get-cps2"), new(519, "get-host-cps"),
        new(520, "update-entry"), new(521, "list-entries"), new(530, "list-super-groups"),
    ];

    private static readonly Tok[] VldbOps =
    [
        new(501, "create-entry"), new(502, "delete-entry"), new(503, "get-entry-by-id"), new(504, "get-entry-by-name"),
        new(505, "get-new-volume-id"), new(506, "replace-entry"), new(507, "update-entry"), new(508, "setlock"),
        new(509, "releaselock"), new(510, "list-entry"), new(511, "list-attrib"), new(512, "linked-list"), new(513, "get-stats"),
        new(514, "probe"), new(515, "get-addrs"), new(516, "change-addr"), new(517, "create-entry-n"), new(518, "get-entry-by-id-n"),
        new(519, "get-entry-by-name-n"), new(520, "replace-entry-n"), new(521, "list-entry-n"), new(522, "list-attrib-n"),
        new(523, "linked-list-n"), new(524, "update-entry-by-name"), new(525, "create-entry-u"), new(526, "get-entry-by-id-u"),
        new(527, "get-entry-by-name-u"), new(528, "replace-entry-u"), new(529, "list-entry-u"), new(530, "list-attrib-u"),
        new(531, "linked-list-u"), new(532, "regaddr"), new(533, "get-addrs-u"), new(534, "list-attrib-n2"),
    ];

    private static readonly Tok[] KauthOps =
    [
        new(1, "auth-old"), new(21, "authenticate"), new(22, "authenticate-v2"), new(2, "change-pw"), new(3, "get-ticket-old"),
        new(23, "get-ticket"), new(4, "set-pw"), new(5, "set-fields"), new(6, "create-user"), new(7, "delete-user"),
        new(8, "get-entry"), new(9, "list-entry"), new(10, "get-stats"), new(11, "debug"), new(12, "get-pw"),
        new(13, "get-random-key"), new(14, "unlock"), new(15, "lock-status"),
    ];

    private static readonly Tok[] UbikOps =
    [
        new(10000, "vote-beacon"), new(10001, "vote-debug-old"), new(10002, "vote-sdebug-old"), new(10003, "vote-getsyncsite"),
        new(10004, "vote-debug"), new(10005, "vote-sdebug"), new(10006, "vote-xdebug"), new(10007, "vote-xsdebug"),
        new(20000, "disk-begin"), new(20001, "disk-commit"), new(20002, "disk-lock"), new(20003, "disk-write"),
        new(20004, "disk-getversion"), new(20005, "disk-getfile"), new(20006, "disk-sendfile"), new(20007, "disk-abort"),
        new(20008, "disk-releaselocks"), new(20009, "disk-truncate"), new(20010, "disk-probe"), new(20011, "disk-writev"),
        new(20012, "disk-interfaceaddr"), new(20013, "disk-setversion"),
    ];

    private static readonly string[] VolTypes = ["read-write", "read-only", "backup"];

    private const uint PrNameMax = 64, VlNameMax = 65, KaNameMax = 64;

    private static bool IsUbik(uint op) => op is >= 10000 and <= 10007 or >= 20000 and <= 20013;

    public static void PtCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        nd.Print(" pt");
        if (IsUbik(op)) { UbikCall(nd, bp); return; }
        AfsFs.Op(nd, " call ", PtOps, op);
        AfsFs.Args(nd, bp, 4, " [|pt]", a =>
        {
            switch (op)
            {
                case 500: a.Str(PrNameMax); nd.Print(" id"); a.Int(); nd.Print(" oldid"); a.Int(); break;
                case 501 or 506 or 508 or 512 or 514 or 517 or 518 or 519 or 530: nd.Print(" id"); a.Int(); break;
                case 502: nd.Print(" pos"); a.Int(); break;
                case 503 or 507 or 515: nd.Print(" uid"); a.Int(); nd.Print(" gid"); a.Int(); break;
                case 504: Names(a, PrNameMax); break;
                case 505: nd.Print(" ids:"); Ints(a); break;
                case 509: a.Str(PrNameMax); nd.Print(" flag"); a.Int(); nd.Print(" oid"); a.Int(); break;
                case 511: nd.Print(" id"); a.Int(); nd.Print(" gflag"); a.Int(); break;
                case 513: nd.Print(" id"); a.Int(); a.Str(PrNameMax); nd.Print(" oldid"); a.Int(); nd.Print(" newid"); a.Int(); break;
                case 520: nd.Print(" id"); a.Int(); a.Str(PrNameMax); break;
            }
        });
    }

    // A counted list of names sent a character per word, or of numbers.
    private static void Names(AfsArgs a, uint max) => a.List(x => x.Vector((int)max), "");

    private static void Ints(AfsArgs a) => a.List(x => x.Int(), "");

    public static void PtReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length < Rx.HeaderSize) return;
        nd.Print(" pt");
        if (IsUbik(op)) { UbikReply(nd, bp, length, op); return; }
        AfsFs.Op(nd, " reply ", PtOps, op);
        int type = nd.U8(bp + 20);
        AfsFs.Args(nd, bp, 0, " [|pt]", a =>
        {
            if (type != Rx.TypeData) { nd.Print(" errcode"); a.Int(); return; }
            switch (op)
            {
                case 504: nd.Print(" ids:"); Ints(a); break;
                case 505: Names(a, PrNameMax); break;
                case 508 or 514 or 517 or 518 or 519: Ints(a); break;
                case 510: nd.Print(" maxuid"); a.Int(); nd.Print(" maxgid"); a.Int(); break;
            }
        });
    }

    public static void VldbCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        nd.Print(" vldb");
        if (IsUbik(op)) { UbikCall(nd, bp); return; }
        AfsFs.Op(nd, " call ", VldbOps, op);
        AfsFs.Args(nd, bp, 4, " [|vldb]", a =>
        {
            switch (op)
            {
                case 501 or 517: a.Vector((int)VlNameMax); break;
                case 502 or 503 or 507 or 508 or 509 or 518: nd.Print(" volid"); a.Int(); VolType(nd, a); break;
                case 504 or 519 or 524 or 527: a.Str(VlNameMax); break;
                case 505: nd.Print(" bump"); a.Int(); break;
                case 506 or 520: nd.Print(" volid"); a.Int(); VolType(nd, a); a.Vector((int)VlNameMax); break;
                case 510 or 521: nd.Print(" index"); a.Int(); break;
            }
        });
    }

    private static void VolType(PrintContext nd, AfsArgs a)
    {
        uint t = a.U32();
        if (t <= 2) nd.Print($" type {VolTypes[t]}");
    }

    public static void VldbReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length < Rx.HeaderSize) return;
        nd.Print(" vldb");
        if (IsUbik(op)) { UbikReply(nd, bp, length, op); return; }
        AfsFs.Op(nd, " reply ", VldbOps, op);
        int type = nd.U8(bp + 20);
        AfsFs.Args(nd, bp, 0, " [|vldb]", a =>
        {
            if (type != Rx.TypeData) { nd.Print(" errcode"); a.Int(); return; }
            switch (op)
            {
                case 510 or 503 or 504:
                    if (op == 510) { nd.Print(" count"); a.Int(); nd.Print(" nextindex"); a.Int(); }
                    Entry(nd, a, 8, false, true);
                    break;
                case 505: nd.Print(" newvol"); a.UInt(); break;
                case 521 or 529 or 518 or 519:
                    if (op is 521 or 529) { nd.Print(" count"); a.Int(); nd.Print(" nextindex"); a.Int(); }
                    Entry(nd, a, 13, false, false);
                    break;
                case 526 or 527: Entry(nd, a, 13, true, false); break;
            }
        });
    }

    /// <summary>A vldbentry (8 servers), nvldbentry (13) or uvldbentry (13 servers by UUID): name, servers,
    /// partitions, the volume ids.</summary>
    private static void Entry(PrintContext nd, AfsArgs a, int slots, bool uuids, bool skipWord)
    {
        a.Vector((int)VlNameMax);
        if (skipWord) { a.Need(4); a.Skip(4); }
        nd.Print(" numservers");
        uint servers = a.U32();
        nd.Print($" {servers}");
        nd.Print(" servers");
        for (int i = 0; i < slots; i++)
        {
            if (uuids)
            {
                if (i < servers) { nd.Print(" afsuuid"); a.Uuid(); }
                else { a.Need(44); a.Skip(44); }
                continue;
            }
            a.Need(4);
            if (i < servers) { nd.Print(' '); nd.Ip4Numeric(a.P); }
            a.Skip(4);
        }
        if (uuids) { a.Need(4 * slots); a.Skip(4 * slots); }
        nd.Print(" partitions");
        for (int i = 0; i < slots; i++)
        {
            uint j = a.U32();
            if (i < servers && j <= 26) nd.Print($" {(char)('a' + j)}");
            else if (i < servers) nd.Print($" {j}");
        }
        a.Need(4 * slots);
        a.Skip(4 * slots);
        nd.Print(" rwvol"); a.UInt(); nd.Print(" rovol"); a.UInt(); nd.Print(" backup"); a.UInt();
    }

    public static void KauthCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        nd.Print(" kauth");
        if (IsUbik(op)) { UbikCall(nd, bp); return; }
        AfsFs.Op(nd, " call ", KauthOps, op);
        AfsFs.Args(nd, bp, 4, " [|kauth]", a =>
        {
            switch (op)
            {
                case 1 or 21 or 22 or 2 or 5 or 6 or 7 or 8 or 14 or 15: nd.Print(" principal"); a.Str(KaNameMax); a.Str(KaNameMax); break;
                case 3 or 23:
                    nd.Print(" kvno"); a.Int(); nd.Print(" domain"); a.Str(KaNameMax);
                    uint n = a.U32();
                    a.Need(n);
                    a.Skip((int)n);
                    nd.Print(" principal"); a.Str(KaNameMax); a.Str(KaNameMax);
                    break;
                case 4: nd.Print(" principal"); a.Str(KaNameMax); a.Str(KaNameMax); nd.Print(" kvno"); a.Int(); break;
                case 12: nd.Print(" name"); a.Str(KaNameMax); break;
            }
        });
    }

    public static void KauthReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length <= Rx.HeaderSize) return;
        nd.Print(" kauth");
        if (IsUbik(op)) { UbikReply(nd, bp, length, op); return; }
        AfsFs.Op(nd, " reply ", KauthOps, op);
        if (nd.U8(bp + 20) != Rx.TypeData) { nd.Print(" errcode"); new AfsArgs(nd, bp + Rx.HeaderSize).Int(); }
    }

    private static void UbikCall(PrintContext nd, int bp)
    {
        uint op = nd.Be32(bp + Rx.HeaderSize);
        AfsFs.Op(nd, " ubik call ", UbikOps, op);
        AfsFs.Args(nd, bp, 4, " [|ubik]", a =>
        {
            switch (op)
            {
                case 10000:
                    nd.Print(a.U32() != 0 ? " syncsite yes" : " syncsite no");
                    nd.Print(" votestart"); a.Date(); nd.Print(" dbversion"); a.UbikVersion(); nd.Print(" tid"); a.UbikVersion();
                    break;
                case 10003: nd.Print(" site"); a.UInt(); break;
                case 20000 or 20001 or 20007 or 20008 or 20010: nd.Print(" tid"); a.UbikVersion(); break;
                case 20002:
                    nd.Print(" tid"); a.UbikVersion(); nd.Print(" file"); a.Int(); nd.Print(" pos"); a.Int(); nd.Print(" length"); a.Int();
                    a.U32(); // the lock type, read but not printed
                    break;
                case 20003: nd.Print(" tid"); a.UbikVersion(); nd.Print(" file"); a.Int(); nd.Print(" pos"); a.Int(); break;
                case 20005: nd.Print(" file"); a.Int(); break;
                case 20006: nd.Print(" file"); a.Int(); nd.Print(" length"); a.Int(); nd.Print(" dbversion"); a.UbikVersion(); break;
                case 20009: nd.Print(" tid"); a.UbikVersion(); nd.Print(" file"); a.Int(); nd.Print(" length"); a.Int(); break;
                case 20012:
                    nd.Print(" tid"); a.UbikVersion(); nd.Print(" oldversion"); a.UbikVersion(); nd.Print(" newversion"); a.UbikVersion();
                    break;
            }
        });
    }

    private static void UbikReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length < Rx.HeaderSize) return;
        AfsFs.Op(nd, " ubik reply ", UbikOps, op);
        int type = nd.U8(bp + 20);
        AfsFs.Args(nd, bp, 0, " [|ubik]", a =>
        {
            if (type == Rx.TypeData)
            {
                if (op == 10000) nd.Print(" vote no");
                else if (op == 20004) { nd.Print(" dbversion"); a.UbikVersion(); }
            }
            else if (op == 10000) { nd.Print(" vote yes until"); a.Date(); }
            else { nd.Print(" errcode"); a.Int(); }
        });
    }
}
