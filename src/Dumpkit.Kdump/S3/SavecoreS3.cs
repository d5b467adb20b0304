// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using Dumpkit.Kdump.S3;

namespace Dumpkit.Kdump;

/// <summary>
/// KDUMP_S3: the dmesg (one PUT) and the flattened dump (makedumpfile -F streamed into a multipart upload, one
/// part in memory, no local copy) go to BUCKET/PREFIX/STAMP/. Order: CreateMultipartUpload, the upload-state
/// marker, the parts, CompleteMultipartUpload (only now does the dump object exist), the COMPLETE marker with the
/// sizes and SHA-256s, upload-state deleted. A failure leaves the upload open and upload-state in place; the next
/// savecore run for the same vmcore and MAKEDUMP_ARGS resumes it (ListParts; parts whose MD5 matches are not sent).
/// </summary>
public sealed partial class Savecore
{
    /// <summary>Seconds between retries are 1, 2, 4 … times this (tests make it small).</summary>
    internal double S3RetryDelayScale { get; init; } = 1;

    private int RunS3(string vmcore, string stamp)
    {
        S3Client client;
        try
        {
            var target = S3Target.FromConfig(config)!;
            client = new S3Client(target, S3Credentials.Load(target.CredentialsPath))
            {
                Log = l => Err.WriteLine($"kdump: s3: {l}"),
                RetryDelayScale = S3RetryDelayScale,
            };
        }
        catch (S3ConfigException e)
        {
            Err.WriteLine($"kdump: {e.Message}");
            return Fail(null);
        }
        string where = client.Target.Url;
        try
        {
            return UploadS3(client, vmcore, stamp);
        }
        catch (IOException e)
        {
            Err.WriteLine($"kdump: s3: {where}: {e.Message}");
            return Fail(where);
        }
    }

    private int UploadS3(S3Client client, string vmcore, string stamp)
    {
        var t = client.Target;
        string identity = VmcoreIdentity(vmcore);
        string args = string.Join(' ', MakedumpArgs().Where(a => a != "-F"));
        var dirs = S3DumpDirectory.List(client);
        S3DumpDirectory? resume = null;
        S3Markers.UploadState? state = null;
        foreach (var d in dirs.Where(d => d.Incomplete && d.HasState).Reverse())
        {
            var s = client.GetObject($"{d.Dir}/{S3Markers.StateName}") is { } data ? S3Markers.ParseState(data) : null;
            if (s is not null && s.Vmcore == identity && s.MakedumpArgs == args && s.PartSize == t.PartSize)
            {
                resume = d;
                state = s;
                break;
            }
        }
        string dir, dumpName;
        List<S3Part> existing = [];
        if (resume is not null && state is not null)
        {
            dir = resume.Dir;
            stamp = resume.Stamp;
            dumpName = state.Object;
            var listed = client.ListParts($"{dir}/{dumpName}", state.UploadId);
            if (listed is null)
            {
                Out.WriteLine($"kdump: s3: upload {state.UploadId} of {t.Bucket}/{dir}/{dumpName} no longer exists: starting it again");
                state = state with { UploadId = client.CreateMultipartUpload($"{dir}/{dumpName}") };
                client.PutObject($"{dir}/{S3Markers.StateName}", S3Markers.Format(state), "text/plain");
            }
            else
            {
                existing = listed;
                Out.WriteLine($"kdump: s3: resuming the incomplete upload of {t.Bucket}/{dir}/{dumpName} " +
                              $"(upload id {state.UploadId}, {existing.Count} part(s) on the server)");
            }
        }
        else
        {
            string name = stamp;
            for (int n = 2; dirs.Any(d => d.Stamp == name); n++) name = $"{stamp}-{n}";
            dir = t.Key(name);
            dumpName = $"dump.{stamp}.flat";
            state = new S3Markers.UploadState(dumpName, client.CreateMultipartUpload($"{dir}/{dumpName}"), t.PartSize, identity, args);
            client.PutObject($"{dir}/{S3Markers.StateName}", S3Markers.Format(state), "text/plain");
        }
        Out.WriteLine($"kdump: saving {vmcore} to {t.Bucket}/{dir}/ at http://{t.HostHeader}");
        var sums = new List<S3Markers.ObjectSum>();
        if (config.DumpDmesg && SendDmesgS3(client, vmcore, dir, stamp) is { } dmesgSum)
            sums.Add(dmesgSum);

        string key = $"{dir}/{dumpName}";
        var upload = new S3MultipartStream(client, key, state.UploadId, t.PartSize, existing, l => Out.WriteLine($"kdump: s3: {l}"));
        int rc = Makedumpfile(["-F", .. MakedumpArgs().Where(a => a != "-F"), vmcore], upload);
        List<S3Part> parts;
        try
        {
            if (rc != 0) throw upload.Failure ?? new IOException("makedumpfile failed");
            parts = upload.Finish();
            client.CompleteMultipartUpload(key, state.UploadId, parts);
        }
        catch (IOException e)
        {
            Err.WriteLine($"kdump: s3: {e.Message}");
            Err.WriteLine($"kdump: s3: the upload of {t.Bucket}/{key} is INCOMPLETE ({upload.Parts.Count} part(s) sent, upload id {state.UploadId}); " +
                          "run savecore again to resume it");
            return Fail($"{t.Bucket}/{dir}");
        }
        string sha = upload.Digest.HexDigest();
        sums.Add(new S3Markers.ObjectSum(dumpName, upload.Digest.Length, sha));
        client.PutObject($"{dir}/{S3Markers.CompleteName}", S3Markers.Format(sums), "text/plain");
        client.DeleteObject($"{dir}/{S3Markers.StateName}");
        Out.WriteLine($"kdump: s3: {t.Bucket}/{key}: {upload.Digest.Length} bytes in {parts.Count} part(s)" +
                      (upload.Reused > 0 ? $" ({upload.Reused} already on the server)" : "") + $", SHA-256 {sha}");
        Out.WriteLine($"kdump: saved vmcore in {t.Bucket}/{dir}/ at http://{t.HostHeader}");
        return KdumpCommand.Ok;
    }

    /// <summary>dmesg.STAMP with one PUT; its size and SHA-256, or null when there is no log to send.</summary>
    private S3Markers.ObjectSum? SendDmesgS3(S3Client client, string vmcore, string dir, string stamp)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"dumpkit-dmesg.{Environment.ProcessId}");
        try
        {
            if (SaveLog(vmcore, temp) != 0 || !File.Exists(temp))
            {
                Err.WriteLine("kdump: makedumpfile --dump-dmesg failed; dmesg content will be unavailable");
                return null;
            }
            var data = File.ReadAllBytes(temp);
            string name = $"dmesg.{stamp}";
            client.PutObject($"{dir}/{name}", data, "text/plain");
            Out.WriteLine($"kdump: s3: saved the kernel log in {client.Target.Bucket}/{dir}/{name}");
            return new S3Markers.ObjectSum(name, data.Length, Hashes.Hex(Hashes.Sha256(data)));
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { }
        }
    }

    /// <summary>Which crash dump an upload belongs to: its size and the SHA-256 of its first MiB (ELF headers and notes).</summary>
    private static string VmcoreIdentity(string vmcore)
    {
        using var f = new FileStream(vmcore, FileMode.Open, FileAccess.Read, FileShare.Read);
        var head = new byte[1 << 20];
        int n = 0, got;
        while (n < head.Length && (got = f.Read(head, n, head.Length - n)) > 0) n += got;
        long size = new FileInfo(vmcore).Length;
        return $"{size.ToString(CultureInfo.InvariantCulture)} {Hashes.Hex(Hashes.Sha256(head.AsSpan(0, n)))}";
    }
}
