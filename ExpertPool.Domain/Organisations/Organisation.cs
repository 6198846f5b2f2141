using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Organisations;

/// <summary>An employer or a party to a project, identified by its unified social credit code; known under several names (aliases).</summary>
public sealed class Organisation
{
    public const int NameMax = 200;
    private readonly List<OrganisationAlias> _aliases = [];

    private Organisation()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string CreditCode { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>Starts at 1 and grows by one with every update: the ETag an edit must send back as If-Match.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<OrganisationAlias> Aliases => _aliases;

    public static Organisation Create(string? name, string? creditCode, IEnumerable<string>? aliases, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        var cleanName = Check(name, errors);
        if (!UnifiedSocialCreditCode.TryNormalize(creditCode, out var code, out var reason))
            errors["creditCode"] = [reason];
        var wanted = CheckAliases(aliases ?? [], errors);
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        var org = new Organisation { Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)), Name = cleanName, CreditCode = code, CreatedAt = now, UpdatedAt = now, Version = 1 };
        org.ReplaceAliases(wanted);
        return org;
    }

    /// <param name="name">The new name.</param>
    /// <param name="aliases">The whole alias list; null (left out of the request) keeps the aliases as they are, and a
    /// rename then adds the former name to them. They are the same-organisation rule's evidence, so a rename that does
    /// not mention them must not drop them.</param>
    /// <param name="expectedVersion">The version the edit was made from; another one means someone changed it since (412).</param>
    /// <param name="now">When.</param>
    public void Update(string? name, IEnumerable<string>? aliases, int expectedVersion, DateTime now)
    {
        if (expectedVersion != Version)
            throw new PreconditionFailedException($"单位信息已被他人修改（当前版本 {Version}，提交的版本 {expectedVersion}），请刷新后重试 / The organisation was changed by someone else (version {Version}, you sent {expectedVersion}).");
        var errors = new Dictionary<string, string[]>();
        var cleanName = Check(name, errors);
        var wanted = aliases is null ? null : CheckAliases(aliases, errors);
        if (errors.Count > 0)
            throw new DomainValidationException(errors);
        var former = Name;
        Name = cleanName;
        if (wanted is not null)
            ReplaceAliases(wanted);
        // A renamed unit is still the unit it was: a rename that does not list the aliases keeps the former name as one
        // (曾用名), so other records under that name keep matching it in the same-organisation rule. An edit that lists
        // the aliases gets exactly those.
        if (aliases is null && !string.Equals(former, cleanName, StringComparison.Ordinal) && former.Length > 0 && !_aliases.Exists(a => a.Name == former))
        {
            _aliases.Add(new OrganisationAlias(Id, former));
            FormerNameAdded = former;
        }
        UpdatedAt = now;
        Version++;
    }

    /// <summary>The former name the last <see cref="Update"/> kept as an alias, if it added one (not stored).</summary>
    public string? FormerNameAdded { get; private set; }

    /// <summary>Drops an alias <see cref="Update"/> added for the former name (another unit already has that alias).</summary>
    public void DropFormerNameAlias()
    {
        if (FormerNameAdded is { } former)
            _aliases.RemoveAll(a => a.Name == former);
        FormerNameAdded = null;
    }

    /// <summary>
    /// A name or an alias: one line, without control characters or invisible ones (<see cref="Guard.TextProblem"/>).
    /// A zero-width space in an alias would read as the other unit's name and yet not match it, silently defeating
    /// the same-organisation rule.
    /// </summary>
    private static string Check(string? name, Dictionary<string, string[]> errors)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
            errors["name"] = ["必填 / is required"];
        else if (clean.Length > NameMax)
            errors["name"] = [$"不能超过 {NameMax} 个字符 / must be at most {NameMax} characters"];
        else if (Guard.TextProblem(clean, singleLine: true) is { } problem)
            errors["name"] = [problem];
        return clean;
    }

    private static List<string> CheckAliases(IEnumerable<string> aliases, Dictionary<string, string[]> errors)
    {
        var wanted = aliases.Select(a => a?.Trim() ?? "").Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Exists(a => a.Length > NameMax))
            errors["aliases"] = [$"每个别名不能超过 {NameMax} 个字符 / each alias must be at most {NameMax} characters"];
        else if (wanted.Select(a => Guard.TextProblem(a, singleLine: true)).FirstOrDefault(p => p is not null) is { } problem)
            errors["aliases"] = [problem];
        return wanted;
    }

    /// <summary>Sets the aliases to <paramref name="wanted"/>, already checked by <see cref="CheckAliases"/>.</summary>
    private void ReplaceAliases(List<string> wanted)
    {
        _aliases.RemoveAll(a => !wanted.Contains(a.Name));
        foreach (var a in wanted.Where(w => !_aliases.Exists(x => x.Name == w)))
            _aliases.Add(new OrganisationAlias(Id, a));
    }
}

/// <summary>Another name under which the same unit appears (used for 回避 by same organisation).</summary>
public sealed class OrganisationAlias
{
    private OrganisationAlias()
    {
    }

    internal OrganisationAlias(Guid organisationId, string name)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        Name = name;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Name { get; private set; } = "";
}
