using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ExpertPool.Api.Security;

public static class Roles
{
    public const string Administrator = "Administrator";
    public const string Auditor = "Auditor";
    public static readonly string[] All = [Administrator, Auditor];
}

public static class Policies
{
    /// <summary>Administrators only: writes, and personal data in full.</summary>
    public const string Admin = "Admin";

    /// <summary>Administrators and auditors: reads, with personal data masked for auditors.</summary>
    public const string Reader = "Reader";
}

public sealed class ApiKeyEntry
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Role { get; set; } = "";

    /// <summary>SHA-256 of the key, lowercase hex. The key itself is never stored in configuration.</summary>
    [Required, RegularExpression("^[0-9a-f]{64}$")]
    public string KeySha256 { get; set; } = "";
}

public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>Keys given by configuration (environment, secrets store). When empty, keys are generated into <see cref="KeysFile"/>.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>Where generated keys live (relative to the content root); created with owner-only permissions on first start.</summary>
    public string KeysFile { get; set; } = "data/secrets/api-keys.txt";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var k in ApiKeys)
        {
            if (!Roles.All.Contains(k.Role))
                yield return new ValidationResult($"Auth:ApiKeys role '{k.Role}' must be one of {string.Join(", ", Roles.All)}.", [nameof(ApiKeys)]);
            if (!System.Text.RegularExpressions.Regex.IsMatch(k.KeySha256, "^[0-9a-f]{64}$"))
                yield return new ValidationResult($"Auth:ApiKeys '{k.Name}' needs KeySha256 as 64 lowercase hex characters.", [nameof(ApiKeys)]);
        }
    }
}

/// <summary>The key table the handler checks against: configured keys, or keys generated on first start.</summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, ApiKeyEntry> _byHash;

    public ApiKeyStore(IOptions<AuthOptions> options, IHostEnvironment environment, ILogger<ApiKeyStore> logger)
    {
        var configured = options.Value.ApiKeys;
        if (configured.Count > 0)
        {
            _byHash = configured.ToDictionary(k => k.KeySha256, StringComparer.Ordinal);
            return;
        }
        var file = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.KeysFile));
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var lines = new[]
            {
                "# ExpertPool API keys generated on first start. Keep this file private. Format: role name key",
                $"{Roles.Administrator} admin {NewKey()}",
                $"{Roles.Auditor} auditor {NewKey()}",
            };
            File.WriteAllLines(file, lines);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            logger.LogWarning("No Auth:ApiKeys configured: generated an administrator key and an auditor key in {KeysFile}", file);
        }
        else
        {
            logger.LogInformation("API keys loaded from {KeysFile}", file);
        }
        _byHash = [];
        foreach (var line in File.ReadAllLines(file))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith('#') || parts.Length != 3)
                continue;
            _byHash[Hash(parts[2])] = new ApiKeyEntry { Role = parts[0], Name = parts[1], KeySha256 = Hash(parts[2]) };
        }
    }

    public ApiKeyEntry? Find(string key) => _byHash.GetValueOrDefault(Hash(key));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string NewKey() => "ep_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}

/// <summary>Accepts <c>X-Api-Key: …</c> or <c>Authorization: Bearer …</c>.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore store) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers["X-Api-Key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            var auth = Request.Headers.Authorization.FirstOrDefault();
            if (auth?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)
                key = auth["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(key))
            return Task.FromResult(AuthenticateResult.NoResult());
        var entry = store.Find(key);
        if (entry is null)
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, entry.Name), new Claim(ClaimTypes.Role, entry.Role)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string Actor(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    public static bool SeesPersonalData(this ClaimsPrincipal user) => user.IsInRole(Roles.Administrator);
}
