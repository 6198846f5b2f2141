using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ExpertPool.Tests.Fixtures;

/// <summary>
/// A real SMTP server on loopback (Debian's python3-aiosmtpd, run by /usr/bin/python3) that writes every message it
/// receives to a folder. Fails, never skips, when Python or aiosmtpd is missing: .ci/run installs them.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";
    private Process? _process;

    private SmtpServer(int port, string directory)
    {
        Port = port;
        Directory = directory;
    }

    public int Port { get; }
    public string Directory { get; }
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A server on a free loopback port; started unless <paramref name="start"/> is false.</summary>
    public static async Task<SmtpServer> CreateAsync(bool start = true)
    {
        await EnsurePythonAsync();
        var dir = Path.Combine(Path.GetTempPath(), "expertpool-tests", "smtp-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        for (var attempt = 1; ; attempt++)
        {
            var server = new SmtpServer(FreePort(), dir);
            if (!start)
                return server;
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The free port was taken by someone else between choosing it and Python binding it: take another.
            }
        }
    }

    public async Task StartAsync()
    {
        if (IsRunning)
            return;
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Script("smtp_sink.py"));
        psi.ArgumentList.Add("127.0.0.1");
        psi.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(Directory);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the SMTP sink.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "READY")
        {
            var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still running)";
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The SMTP sink did not start on 127.0.0.1:{Port}: {line} {error}");
        }
        _process = process;
    }

    public async Task StopAsync()
    {
        if (_process is null)
            return;
        var p = _process;
        _process = null;
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        p.Dispose();
    }

    public IReadOnlyList<string> Files() =>
        System.IO.Directory.GetFiles(Directory, "*.eml").Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages arrived (the sender returns when the server said 250, so this is immediate in practice).</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var files = Files();
            if (files.Count >= count || DateTime.UtcNow > until)
                return files;
            await Task.Delay(20);
        }
    }

    public static async Task<List<ParsedMail>> ParseAsync(IEnumerable<string> files)
    {
        var list = files.ToList();
        if (list.Count == 0)
            return [];
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Script("mailparse.py"));
        foreach (var f in list)
            psi.ArgumentList.Add(f);
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"mailparse.py failed: {await stderr}");
        return JsonSerializer.Deserialize<List<ParsedMail>>(await stdout, JsonOptions)!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Worker", name);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool? _pythonChecked;

    private static async Task EnsurePythonAsync()
    {
        if (_pythonChecked == true)
            return;
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} is missing: the notice tests need Debian's python3 with python3-aiosmtpd (apt-get install python3-aiosmtpd; .ci/run does this).");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import aiosmtpd");
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"aiosmtpd is not importable by {Python}: install the Debian package python3-aiosmtpd (.ci/run does this). {err}");
        _pythonChecked = true;
    }
}

public sealed record ParsedPart(string ContentType, bool Multipart, string? Charset, string? Filename, string? Disposition, string? FullContentType, string? Base64, string? Text);

public sealed record ParsedMail(
    string File,
    string Subject,
    string RawSubject,
    string ToName,
    string ToAddress,
    string RawTo,
    string FromName,
    string FromAddress,
    string MessageId,
    string Date,
    string ContentType,
    List<string> Defects,
    List<ParsedPart> Parts);
