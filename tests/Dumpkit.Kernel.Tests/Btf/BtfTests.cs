// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using CsCheck;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;

namespace Dumpkit.Kernel.Tests;

public class BtfTests
{
    /// <summary>
    /// struct mm_like { unsigned long a; union { struct { unsigned long total_vm; }; int x; }; unsigned int flag:3, other:5; struct list_head lh[2]; };
    /// </summary>
    private static byte[] Sample()
    {
        var b = new BtfBuilder();
        int ulong_ = b.Int("unsigned long", 8);           // 1
        int int_ = b.Int("int", 4, signed: true);          // 2
        int uint_ = b.Int("unsigned int", 4);              // 3
        int inner = b.Struct("", 8, ("total_vm", ulong_, 0, 0)); // 4
        int anon = b.Union("", 8, ("", inner, 0, 0), ("x", int_, 0, 0)); // 5
        int lh = b.Struct("list_head", 16);                // 6 (members below are pointers to it)
        int ptr = b.Pointer(lh);                           // 7
        int arr = b.Array(lh, int_, 2);                    // 8
        b.Struct("mm_like", 56, ("a", ulong_, 0, 0), ("", anon, 64, 0), ("flag", uint_, 128, 3), ("other", uint_, 131, 5), ("lh", arr, 192, 0)); // 9
        b.Typedef("mm_like_t", 9);                         // 10
        b.Enum("node_states", ("N_POSSIBLE", 0), ("N_ONLINE", 1)); // 11
        b.Const(10);                                       // 12
        b.Enum64("big", ("HUGE", long.MinValue));           // 13
        b.Func("f", b.FuncProto(int_, ptr));               // 14, 15
        b.Var("runqueues", 9);                             // 16
        return b.Build();
    }

    [Fact]
    public void MembersOfAnonymousUnionsAndBitfieldsAreFound()
    {
        var btf = BtfTypes.Parse(Sample());
        Assert.Equal(17, btf.Count);
        Assert.Equal(new BtfMemberLocation(64, 1, 0), btf.MemberPath("mm_like.total_vm"));
        Assert.Equal(new BtfMemberLocation(64, 1, 0), btf.MemberPath("mm_like_t.total_vm"));
        Assert.Equal(new BtfMemberLocation(131, 3, 5), btf.MemberPath("mm_like.other"));
        Assert.Equal(16UL, btf.MemberPath("mm_like.flag")!.Value.ByteOffset);
        Assert.Null(btf.MemberPath("mm_like.nothing"));
        Assert.Null(btf.MemberPath("no_such.a"));
        int mm = btf.FindType("mm_like")!.Value;
        Assert.Equal(56UL, btf.SizeOf(mm));
        Assert.Equal(56UL, btf.SizeOf(12)); // const mm_like_t
        Assert.Equal(32UL, btf.SizeOf(8));
        Assert.Equal("struct list_head[2]", btf.TypeName(8));
        Assert.Equal("struct list_head *", btf.TypeName(7));
        Assert.Equal("mm_like_t", btf.TypeName(10));
        Assert.Equal(1L, btf.EnumeratorValue("N_ONLINE"));
        Assert.Equal(long.MinValue, btf.EnumeratorValue("HUGE"));
        Assert.Equal(BtfKind.Variable, btf.Kind(btf.ByName("runqueues")[0]));
    }

    [Fact]
    public void ATypedefCycleIsAnErrorNotAHang()
    {
        var b = new BtfBuilder();
        b.Typedef("a", 2);
        b.Typedef("b", 1);
        var btf = BtfTypes.Parse(b.Build());
        Assert.Throws<KernelDataException>(() => btf.SizeOf(1));
        Assert.Throws<KernelDataException>(() => btf.Strip(1));
        Assert.Equal("a", btf.TypeName(1));
    }

    [Fact]
    // Every byte of the blob may be wrong: parsing and walking every type end, with a table or a KernelDataException.
    public void CorruptBlobsGiveAClearErrorOrTypes()
    {
        var original = Sample();
        Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte).Array[1, 6].Sample(edits =>
        {
            var blob = original.ToArray();
            foreach (var (at, value) in edits) blob[at] = value;
            try
            {
                WalkEverything(BtfTypes.Parse(blob));
            }
            catch (KernelDataException) { }
        }, iter: 5000);
    }

    [Fact]
    public void TruncatedBlobsAreRefused()
    {
        var blob = Sample();
        for (int n = 0; n < blob.Length; n++)
            Assert.Throws<KernelDataException>(() => BtfTypes.Parse(blob[..n]));
    }

    internal static void WalkEverything(BtfTypes btf)
    {
        for (int id = 1; id < btf.Count; id++)
        {
            btf.Name(id);
            btf.TypeName(id);
            switch (btf.Kind(id))
            {
                case BtfKind.Struct or BtfKind.Union:
                    btf.SizeOf(id);
                    foreach (var m in btf.Members(id))
                        btf.Member(id, m.Name);
                    break;
                case BtfKind.Enum or BtfKind.Enum64:
                    btf.EnumValues(id).Count();
                    break;
                case BtfKind.Array:
                    btf.SizeOf(id);
                    break;
                case BtfKind.Int:
                    btf.IntEncoding(id);
                    break;
            }
        }
    }
}
