using System.Text.Encodings.Web;
using System.Text.Json;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Organisations;

public enum OrganisationChangeKind
{
    Created,
    Updated,
    Deleted,

    /// <summary>The state when the history began (migration 20261202000800), for organisations that existed before it.</summary>
    Backfilled,
}

/// <summary>
/// One entry of an organisation's history: its name, credit code and aliases as they stood after a change (for a
/// deletion: as they stood when it was deleted), who made the change and when. Names and aliases are the evidence of the
/// same-organisation rule, so an auditor can see which aliases a unit had on the day of a draw, and who removed one.
/// Append-only; rows are kept when the organisation itself is deleted (no foreign key).
/// </summary>
public sealed class OrganisationChange
{
    public const int ActorMax = 100;

    /// <summary>Chinese names stay readable in the column (an auditor may read it with plain SQL).</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private OrganisationChange()
    {
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public OrganisationChangeKind Kind { get; private set; }

    /// <summary>The organisation's version after the change (for a deletion, the version that was deleted).</summary>
    public int Version { get; private set; }

    public string Name { get; private set; } = "";
    public string CreditCode { get; private set; } = "";

    /// <summary>The aliases as a JSON array of strings (in ordinal order as the service writes them; rows the migration
    /// backfilled are in the database's byte order).</summary>
    public string AliasesJson { get; private set; } = "[]";

    public string ChangedBy { get; private set; } = "";
    public DateTime ChangedAt { get; private set; }

    /// <summary>The aliases in ordinal order, whichever order the row stored them in.</summary>
    public IReadOnlyList<string> Aliases => (JsonSerializer.Deserialize<List<string>>(AliasesJson) ?? []).Order(StringComparer.Ordinal).ToList();

    public static OrganisationChange Of(Organisation organisation, OrganisationChangeKind kind, string actor, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        return new OrganisationChange
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            OrganisationId = organisation.Id,
            Kind = kind,
            Version = organisation.Version,
            Name = organisation.Name,
            CreditCode = organisation.CreditCode,
            AliasesJson = JsonSerializer.Serialize(organisation.Aliases.Select(a => a.Name).Order(StringComparer.Ordinal).ToList(), Json),
            ChangedBy = Guard.Required(actor, "actor", ActorMax),
            ChangedAt = now,
        };
    }
}
