// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kdump.S3;

namespace Dumpkit.Kdump.Tests.S3;

/// <summary>
/// KDUMP_S3 against a real S3 server: Ceph's radosgw started by tests/s3/s3-test.sh (DUMPKIT_S3_ENDPOINT,
/// DUMPKIT_S3_ACCESS_KEY, DUMPKIT_S3_SECRET_KEY), uploading the real 6.1 vmcore of the corpus. What comes back is
/// compared with Debian's makedumpfile: its -R rebuild of the uploaded flattened object, and its --dump-dmesg of
/// the fetched dump against the uploaded log.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RadosgwTests : IDisposable
{
    private const string Stamp = "202611260830";
    private readonly FakeSystem _f = new();
    private readonly string _endpoint;
    private readonly S3Client _admin;
    private readonly string _bucket = "dumpkit-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _creds;

    public RadosgwTests()
    {
        _endpoint = Environment.GetEnvironmentVariable("DUMPKIT_S3_ENDPOINT") ?? "";
        _creds = _f.Dir["s3-credentials"];
        if (_endpoint.Length == 0) { _admin = null!; return; }
        File.WriteAllText(_creds, $"[default]\naws_access_key_id = {Environment.GetEnvironmentVariable("DUMPKIT_S3_ACCESS_KEY")}\n" +
                                  $"aws_secret_access_key = {Environment.GetEnvironmentVariable("DUMPKIT_S3_SECRET_KEY")}\n");
        File.SetUnixFileMode(_creds, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _admin = new S3Client(S3Target.Parse($"{_endpoint}/{_bucket}"), S3Credentials.Load(_creds));
        _admin.CreateBucket();
    }

    public void Dispose() => _f.Dispose();

    private string Config(string endpoint, string vmcore) => _f.Config(
        $"KDUMP_S3={endpoint}/{_bucket}/site-a\nKDUMP_S3_CREDENTIALS={_creds}\nKDUMP_S3_PART_SIZE=5\n" +
        $"KDUMP_VMCORE={vmcore}\nMAKEDUMP_ARGS=\"-c -d 31\"\n");

    private static string Vmcore()
    {
        Skip.If(Environment.GetEnvironmentVariable("DUMPKIT_S3_ENDPOINT") is null,
            "no S3 server: tests/s3/s3-test.sh starts radosgw and sets DUMPKIT_S3_ENDPOINT");
        RealData.Tool("/usr/bin/makedumpfile");
        return RealData.Kernel(RealData.Kernel61, "vmcore.elf");
    }

    private List<string> Keys() => _admin.ListKeys("site-a/");

    /// <summary>The fetched dump is byte for byte Debian's makedumpfile -R of the uploaded flattened object, and its log
    /// as Debian's makedumpfile --dump-dmesg reads it is the uploaded dmesg.</summary>
    private void CheckFetched(string outDir)
    {
        string flat = _f.Dir["uploaded.flat"], reference = _f.Dir["reference.kdump"], log = _f.Dir["reference.dmesg"];
        using (var file = File.Create(flat)) _admin.GetObject($"site-a/{Stamp}/dump.{Stamp}.flat", file);
        var r = RealData.Run("/usr/bin/makedumpfile", ["-R", reference], stdinFile: flat);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        string fetched = Path.Combine(outDir, $"dump.{Stamp}");
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(fetched));
        // Debian's makedumpfile (1.7.2, no caller ids) reads the same log from the fetched dump as from the vmcore
        string original = _f.Dir["original.dmesg"];
        r = RealData.Run("/usr/bin/makedumpfile", ["--dump-dmesg", fetched, log]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        r = RealData.Run("/usr/bin/makedumpfile", ["--dump-dmesg", RealData.Kernel(RealData.Kernel61, "vmcore.elf"), original]);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(log));
        // the uploaded dmesg is the log of the fetched dump as our makedumpfile prints it (savecore's --dump-dmesg)
        string ours = _f.Dir["ours.dmesg"];
        var t = Tools.Makedumpfile("--dump-dmesg", fetched, ours);
        Assert.True(t.ExitCode == 0, t.Err);
        Assert.Equal(File.ReadAllBytes(ours), File.ReadAllBytes(Path.Combine(outDir, $"dmesg.{Stamp}")));
    }

    [SkippableFact]
    public void SavecoreUploadsAndFetchRebuildsWhatMakedumpfileRebuilds()
    {
        string cfg = Config(_endpoint, Vmcore());
        Assert.NotEqual(KdumpCommand.Usage, _f.Kdump("--config", cfg, "test"));
        Assert.Contains("ok: target: ", _f.Out.ToString());
        Assert.Contains("the bucket answers and is writable", _f.Out.ToString());
        Assert.True(_f.Kdump("--config", cfg, "savecore") == 0, _f.Err.ToString());
        var keys = Keys();
        Assert.Equal(new[] { $"site-a/{Stamp}/COMPLETE", $"site-a/{Stamp}/dmesg.{Stamp}", $"site-a/{Stamp}/dump.{Stamp}.flat" }, keys.Order());
        string outDir = _f.Dir["fetched"];
        Assert.True(_f.Kdump("--config", cfg, "fetch", Stamp, outDir) == 0, _f.Err.ToString());
        CheckFetched(outDir);
    }

    [SkippableFact]
    public void ALostConnectionLeavesAResumableIncompleteUpload()
    {
        string vmcore = Vmcore();
        int port = new Uri(_endpoint).Port;
        string cut = Config($"http://127.0.0.1:{port}", vmcore);
        // 7 MiB through the proxy: the log, the markers and the first 5 MiB part pass, the second part is cut
        using (var proxy = new CuttingProxy(port, 7L << 20))
        {
            string viaProxy = _f.Config(File.ReadAllText(cut).Replace($"127.0.0.1:{port}", $"127.0.0.1:{proxy.Port}"));
            int rc = new Savecore(KdumpConfig.Load(viaProxy), _f.Host, null) { S3RetryDelayScale = 0.01 }.Run();
            Assert.Equal(KdumpCommand.Failed, rc);
            Assert.True(proxy.Cut);
        }
        Assert.Contains("is INCOMPLETE (1 part(s) sent", _f.Err.ToString());
        var keys = Keys();
        Assert.Contains($"site-a/{Stamp}/upload-state", keys);
        Assert.DoesNotContain($"site-a/{Stamp}/COMPLETE", keys);
        Assert.DoesNotContain($"site-a/{Stamp}/dump.{Stamp}.flat", keys);

        string direct = Config(_endpoint, vmcore);
        _f.Out.GetStringBuilder().Clear();
        _f.Kdump("--config", direct, "status");
        Assert.Contains($"PROBLEM s3 uploads        : incomplete S3 upload {_bucket}/site-a/{Stamp}/: an upload was interrupted", _f.Out.ToString());
        _f.Err.GetStringBuilder().Clear();
        Assert.Equal(KdumpCommand.Failed, _f.Kdump("--config", direct, "fetch", Stamp, _f.Dir["not-fetched"]));
        Assert.Contains("the upload is INCOMPLETE", _f.Err.ToString());

        _f.Out.GetStringBuilder().Clear();
        Assert.True(_f.Kdump("--config", direct, "savecore") == 0, _f.Err.ToString());
        Assert.Contains("resuming the incomplete upload", _f.Out.ToString());
        Assert.Contains("part 1 (5242880 bytes) is already on the server", _f.Out.ToString());
        keys = Keys();
        Assert.Contains($"site-a/{Stamp}/COMPLETE", keys);
        Assert.DoesNotContain($"site-a/{Stamp}/upload-state", keys);
        _f.Out.GetStringBuilder().Clear();
        _f.Kdump("--config", direct, "status");
        Assert.Contains("ok      s3 uploads        : no incomplete upload", _f.Out.ToString());
        string outDir = _f.Dir["fetched"];
        Assert.True(_f.Kdump("--config", direct, "fetch", Stamp, outDir) == 0, _f.Err.ToString());
        CheckFetched(outDir);
    }
}
