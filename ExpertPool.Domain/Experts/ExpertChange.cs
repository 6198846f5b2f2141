using System.Text.Encodings.Web;
using System.Text.Json;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Experts;

public enum ExpertChangeKind
{
    Created,
    Updated,

    /// <summary>The state when the history began (migration 20261203000100), for experts that existed before it.</summary>
    Backfilled,
}

/// <summary>
/// One entry of an expert's registry history (decision 026): the fields that decide whether and for which quotas an
/// expert can be drawn (specialties, region, term, blackouts, employer, title) and those that decide who receives the
/// invitations (email, phone), as they stood after a change, who made it and when, and which fields it changed.
/// Personal data is kept masked, as a non-administrator sees it; <see cref="ChangedFields"/> is computed from the real
/// values, so a changed email shows as changed even when its mask looks the same. Append-only. Status changes have
/// their own history (<see cref="ExpertStatusChange"/>).
/// </summary>
public sealed class ExpertChange
{
    public const int ActorMax = 100;

    /// <summary>The field names <see cref="ChangedFields"/> uses, in this order.</summary>
    public static readonly IReadOnlyList<string> FieldNames =
        ["name", "idNumber", "gender", "employerId", "title", "titleGrade", "regionCode", "specialtyCodes", "termStart", "termEnd", "blackouts", "email", "phone", "preferredLanguage", "joinChannel"];

    /// <summary>Chinese stays readable in the column (an auditor may read it with plain SQL).</summary>
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private ExpertChange()
    {
    }

    public Guid Id { get; private set; }
    public Guid ExpertId { get; private set; }
    public ExpertChangeKind Kind { get; private set; }

    /// <summary>The expert's version after the change.</summary>
    public int Version { get; private set; }

    /// <summary>Fields this change altered, separated by ";", in <see cref="FieldNames"/> order; empty for a first entry.</summary>
    public string ChangedFields { get; private set; } = "";

    public string Name { get; private set; } = "";
    public string IdNumberMasked { get; private set; } = "";
    public Gender Gender { get; private set; }
    public Guid EmployerId { get; private set; }
    public string Title { get; private set; } = "";
    public TitleGrade TitleGrade { get; private set; }
    public string RegionCode { get; private set; } = "";

    /// <summary>Specialty codes in ordinal order, separated by ";".</summary>
    public string SpecialtyCodes { get; private set; } = "";

    public DateOnly? TermStart { get; private set; }
    public DateOnly? TermEnd { get; private set; }

    /// <summary>Blackouts as a JSON array of {from, to, reason}, in date order.</summary>
    public string BlackoutsJson { get; private set; } = "[]";

    public string EmailMasked { get; private set; } = "";
    public string PhoneMasked { get; private set; } = "";
    public string PreferredLanguage { get; private set; } = "";
    public JoinChannel JoinChannel { get; private set; }
    public string ChangedBy { get; private set; } = "";
    public DateTime ChangedAt { get; private set; }

    /// <summary>The fields this change altered, as a list.</summary>
    public IReadOnlyList<string> ChangedFieldList => ChangedFields.Length == 0 ? [] : ChangedFields.Split(';');

    /// <summary>The specialty codes as a list.</summary>
    public IReadOnlyList<string> SpecialtyCodeList => SpecialtyCodes.Length == 0 ? [] : SpecialtyCodes.Split(';');

    /// <summary>The blackouts as stored.</summary>
    public IReadOnlyList<BlackoutEntry> Blackouts => JsonSerializer.Deserialize<List<BlackoutEntry>>(BlackoutsJson, Json) ?? [];

    /// <summary>A blackout as the history keeps it.</summary>
    public sealed record BlackoutEntry(
        [property: System.Text.Json.Serialization.JsonPropertyName("from")] string From,
        [property: System.Text.Json.Serialization.JsonPropertyName("to")] string To,
        [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string? Reason);

    /// <summary>The expert's state now, as the history keeps it, with the fields that differ from <paramref name="before"/>.</summary>
    internal static ExpertChange Of(Expert expert, ExpertChangeKind kind, State state, State? before, string actor, DateTime now)
    {
        return new ExpertChange
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)),
            ExpertId = expert.Id,
            Kind = kind,
            Version = expert.Version,
            ChangedFields = before is null ? "" : string.Join(';', state.Differences(before)),
            Name = expert.Name,
            IdNumberMasked = ChineseIdNumber.Mask(expert.IdNumber),
            Gender = expert.Gender,
            EmployerId = expert.EmployerId,
            Title = expert.Title,
            TitleGrade = expert.TitleGrade,
            RegionCode = expert.RegionCode,
            SpecialtyCodes = state.SpecialtyCodes,
            TermStart = expert.TermStart,
            TermEnd = expert.TermEnd,
            BlackoutsJson = state.BlackoutsJson,
            EmailMasked = PersonalData.MaskEmail(expert.Email),
            PhoneMasked = PersonalData.MaskPhone(expert.Phone),
            PreferredLanguage = expert.PreferredLanguage,
            JoinChannel = expert.JoinChannel,
            ChangedBy = Guard.Required(actor, "actor", ActorMax),
            ChangedAt = now,
        };
    }

    /// <summary>An expert's recorded fields with their real values, to find what a change altered.</summary>
    internal sealed record State(IReadOnlyList<string> Values, string SpecialtyCodes, string BlackoutsJson)
    {
        /// <param name="expert">The expert.</param>
        /// <param name="specialtyCodes">The codes of the expert's specialties (the rows hold only their ids).</param>
        public static State Of(Expert expert, IEnumerable<string> specialtyCodes)
        {
            var codes = string.Join(';', specialtyCodes.Order(StringComparer.Ordinal));
            var blackouts = JsonSerializer.Serialize(
                expert.Blackouts.OrderBy(b => b.From).ThenBy(b => b.To).ThenBy(b => b.Reason, StringComparer.Ordinal)
                    .Select(b => new BlackoutEntry(IsoText.Date(b.From), IsoText.Date(b.To), b.Reason)).ToList(), Json);
            string Date(DateOnly? d) => d is { } day ? IsoText.Date(day) : "";
            // In FieldNames order.
            string[] values =
            [
                expert.Name, expert.IdNumber, expert.Gender.ToString(), expert.EmployerId.ToString("D"), expert.Title, expert.TitleGrade.ToString(),
                expert.RegionCode, codes, Date(expert.TermStart), Date(expert.TermEnd), blackouts, expert.NormalizedEmail, expert.Phone,
                expert.PreferredLanguage, expert.JoinChannel.ToString(),
            ];
            return new State(values, codes, blackouts);
        }

        public IEnumerable<string> Differences(State before) =>
            FieldNames.Where((_, i) => !string.Equals(Values[i], before.Values[i], StringComparison.Ordinal));
    }
}
