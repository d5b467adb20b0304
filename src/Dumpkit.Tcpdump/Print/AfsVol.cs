// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Print;

/// <summary>
/// The AFS administration services: the volume server (Rx port 7005: transactions, dumps, clones, volume lists)
/// and the basic overseer (port 7007: bnodes, superusers, keys, cell hosts), their calls with arguments, the
/// volume server's decoded replies and both services' error codes.
/// </summary>
/// <remarks>Specification: OpenAFS volser/volint.xg (AFSVol*) and bozo/bosint.xg (BOZO_*).</remarks>
internal static class AfsVol
{
    private static readonly Tok[] VolOps =
    [
        new(100, "create-volume"), new(101, "delete-volume"), new(102, "restore"), new(103, "forward"), new(104, "end-trans"),
        new(105, "clone"), new(106, "set-flags"), new(107, "get-flags"), new(108, "trans-create"), new(109, "dump"),
        new(110, "get-nth-volume"), new(111, "set-forwarding"), new(112, "get-name"), new(113, "get-status"),
        new(114, "sig-restore"), new(115, "list-partitions"), new(116, "list-volumes"), new(117, "set-id-types"),
        new(118, "monitor"), new(119, "partition-info"), new(120, "reclone"), new(121, "list-one-volume"), new(122, "nuke"),
        new(123, "set-date"), new(124, "x-list-volumes"), new(125, "x-list-one-volume"), new(126, "set-info"),
        new(127, "x-list-partitions"), new(128, "forward-multiple"), new(65536, "convert-ro"), new(65537, "get-size"),
        new(65538, "dump-v2"),
    ];

    private static readonly Tok[] BosOps =
    [
        new(80, "create-bnode"), new(81, "delete-bnode"), new(82, "set-status"), new(83, "get-status"),
        new(84, "enumerate-instance"), new(85, "get-instance-info"), new(86, "get-instance-parm"), new(87, "add-superuser"),
        new(88, "delete-superuser"), new(89, "list-superusers"), new(90, "list-keys"), new(91, "add-key"), new(92, "delete-key"),
        new(93, "set-cell-name"), new(94, "get-cell-name"), new(95, "get-cell-host"), new(96, "add-cell-host"),
        new(97, "delete-cell-host"), new(98, "set-t-status"), new(99, "shutdown-all"), new(100, "restart-all"),
        new(101, "startup-all"), new(102, "set-noauth-flag"), new(103, "re-bozo"), new(104, "restart"),
        new(105, "start-bozo-install"), new(106, "uninstall"), new(107, "get-dates"), new(108, "exec"), new(109, "prune"),
        new(110, "set-restart-time"), new(111, "get-restart-time"), new(112, "start-bozo-log"), new(113, "wait-all"),
        new(114, "get-instance-strings"), new(115, "get-restricted"), new(116, "set-restricted"),
    ];

    private const uint NameMax = 256, BosNameMax = 256;

    public static void VolCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        AfsFs.Op(nd, " vol call ", VolOps, op);
        AfsFs.Args(nd, bp, 4, " [|vol]", a => VolCallArgs(nd, a, op));
    }

    private static void VolCallArgs(PrintContext nd, AfsArgs a, uint op)
    {
        void U(string label) { nd.Print(label); a.UInt(); }
        void FromDate() { U(" fromtrans"); nd.Print(" fromdate"); a.Date(); }
        switch (op)
        {
            case 100: U(" partition"); nd.Print(" name"); a.Str(NameMax); U(" type"); U(" parent"); break;
            case 101 or 107 or 104: U(" trans"); break;
            case 102: U(" totrans"); U(" flags"); break;
            case 103: FromDate(); a.DestServer(); nd.Print(" desttrans"); a.Int(); break;
            case 105: U(" trans"); U(" purgevol"); U(" newtype"); nd.Print(" newname"); a.Str(NameMax); break;
            case 106: U(" trans"); U(" flags"); break;
            case 108: U(" vol"); U(" partition"); U(" flags"); break;
            // tcpdump lists get-size (65537) as 655537, so get-size prints no arguments
            case 109 or 655537: FromDate(); break;
            case 110: U(" index"); break;
            case 111: U(" tid"); U(" newsite"); break;
            case 112 or 113: nd.Print(" tid"); break;
            case 114: nd.Print(" name"); a.Str(NameMax); U(" type"); U(" pid"); U(" cloneid"); break;
            case 116: U(" partition"); U(" flags"); break;
            case 117: U(" tid"); nd.Print(" name"); a.Str(NameMax); U(" type"); U(" pid"); U(" clone"); U(" backup"); break;
            case 119: nd.Print(" name"); a.Str(NameMax); break;
            case 120 or 126: U(" tid"); break;
            case 121 or 122 or 124 or 125 or 65536: U(" partid"); U(" volid"); break;
            case 123: U(" tid"); nd.Print(" date"); a.Date(); break;
            case 128: FromDate(); a.List(x => x.DestServer(), ","); break;
            case 65538: FromDate(); U(" flags"); break;
        }
    }

    public static void VolReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length <= Rx.HeaderSize) return;
        AfsFs.Op(nd, " vol reply ", VolOps, op);
        int type = nd.U8(bp + 20);
        AfsFs.Args(nd, bp, 0, " [|vol]", a =>
        {
            void U(string label) { nd.Print(label); a.UInt(); }
            void D(string label) { nd.Print(label); a.Date(); }
            if (type != Rx.TypeData) { nd.Print(" errcode"); a.Int(); return; }
            switch (op)
            {
                case 100: U(" volid"); U(" trans"); break;
                case 104 or 107: a.UInt(); break;
                case 105: U(" newvol"); break;
                case 108: U(" trans"); break;
                case 110: U(" volume"); U(" partition"); break;
                case 112: a.Str(NameMax); break;
                case 113:
                    U(" volid"); U(" nextuniq"); U(" type"); U(" parentid"); U(" clone"); U(" backup"); U(" restore");
                    U(" maxquota"); U(" minquota"); U(" owner");
                    D(" create"); D(" access"); D(" update"); D(" expire"); D(" backup"); D(" copy");
                    break;
                case 116 or 121:
                    a.List(x =>
                    {
                        nd.Print(" name"); x.Vector(32); U(" volid"); nd.Print(" type");
                        x.Skip(4 * 21);
                    }, ",");
                    break;
            }
        });
    }

    public static void BosCall(PrintContext nd, int bp, uint length)
    {
        if (length <= Rx.HeaderSize) return;
        uint op = nd.Be32(bp + Rx.HeaderSize);
        AfsFs.Op(nd, " bos call ", BosOps, op);
        AfsFs.Args(nd, bp, 4, " [|bos]", a =>
        {
            void I(string label) { nd.Print(label); a.Int(); }
            switch (op)
            {
                case 80: nd.Print(" type"); a.Str(BosNameMax); nd.Print(" instance"); a.Str(BosNameMax); break;
                case 81 or 83 or 85 or 87 or 88 or 93 or 96 or 97 or 104 or 106 or 108 or 112 or 114: a.Str(BosNameMax); break;
                case 82 or 98: a.Str(BosNameMax); I(" status"); break;
                case 86: a.Str(BosNameMax); I(" num"); break;
                case 84 or 89 or 90 or 91 or 92 or 95: a.Int(); break;
                case 105: a.Str(BosNameMax); I(" size"); I(" flags"); I(" date"); break;
            }
        });
    }

    public static void BosReply(PrintContext nd, int bp, uint length, uint op)
    {
        if (length <= Rx.HeaderSize) return;
        AfsFs.Op(nd, " bos reply ", BosOps, op);
        if (nd.U8(bp + 20) != Rx.TypeData) { nd.Print(" errcode"); new AfsArgs(nd, bp + Rx.HeaderSize).Int(); }
    }
}
