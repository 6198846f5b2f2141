using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Domain.Common;

namespace ExpertPool.Domain.Draws;

/// <summary>
/// What a stored record reveals beyond its own draw. The exclusions in its context carry evidence, and a few reasons name
/// another project whose panel the evidence gives away: an earlier engagement behind a cooldown, or an invitation declined
/// with a conflict (<see cref="Conflicts.ExclusionReason.ProjectId"/>). The record as a whole is then as sealed as the
/// latest of those panels (decision 028).
/// </summary>
public static class DrawRecordDisclosure
{
    // The context's free-text fields that quote what people wrote, masked for readers (decision 039).
    private const string EvidenceField = "evidence";
    private const string RedrawReasonField = "redrawReason";

    /// <summary>
    /// The projects named by <c>context.exclusions[].reasons[].projectId</c> in the stored UTF-8 document; none for a
    /// record written before they were; null when the document is not readable JSON (a damaged row: what it reveals
    /// cannot be told, and verification reports the damage).
    /// </summary>
    public static HashSet<Guid>? RevealedProjects(ReadOnlyMemory<byte> utf8)
    {
        var projects = new HashSet<Guid>();
        try
        {
            using var json = JsonDocument.Parse(utf8);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            if (!json.RootElement.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object
                || !context.TryGetProperty("exclusions", out var exclusions) || exclusions.ValueKind != JsonValueKind.Array)
                return projects;
            foreach (var exclusion in exclusions.EnumerateArray())
            {
                if (exclusion.ValueKind != JsonValueKind.Object || !exclusion.TryGetProperty("reasons", out var reasons) || reasons.ValueKind != JsonValueKind.Array)
                    continue;
                foreach (var reason in reasons.EnumerateArray())
                {
                    if (reason.ValueKind == JsonValueKind.Object && reason.TryGetProperty("projectId", out var project) && project.ValueKind == JsonValueKind.String
                        && Guid.TryParse(project.GetString(), out var id))
                        projects.Add(id);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, not valid UTF-8, or a string that is not valid UTF-16 (a lone surrogate escaped).
            return null;
        }
        return projects;
    }

    /// <summary>
    /// The document as a non-administrator may read it, when it differs from the stored one: numbers and addresses inside
    /// <c>context.exclusions[].reasons[].evidence</c> and <c>context.redrawReason</c> masked (<see cref="PersonalData.MaskIn"/>). Evidence has been
    /// written masked since the fourteenth session; a record stored before then may carry a declared reason or a
    /// blackout's reason in full. Null when nothing needs masking (then the stored bytes are what is sent). Only the
    /// context changes, which the draw's hashes do not cover, so the copy still verifies; it is no longer the stored
    /// document, so it has another SHA-256 (decision 039).
    /// </summary>
    /// <exception cref="DomainConflictException">The stored JSON may need masking but is not a readable record.</exception>
    public static byte[]? MaskedForReaders(ReadOnlyMemory<byte> utf8)
    {
        // A cheap look first: most documents have nothing to mask, and building the record is dearer than reading the
        // text once. The look decodes exactly the strings that are masked (JSON escapes such as \n undone: in the raw
        // text a number after a line break follows the letter n, which the ID pattern would not match).
        if (!MaskedFieldsNeedMasking(utf8.Span))
            return null;
        // JSON, but not a record this service can write out again: what it holds cannot be masked, so it is not sent.
        var record = DrawRecordVerification.ReadStored(utf8, "无法遮盖其中的个人信息，仅管理员可导出", "personal data in it cannot be masked; only an administrator can export it");
        if (record.Context is not { } context)
            return null;
        var changed = Mask(context, RedrawReasonField);
        foreach (var reason in (context["exclusions"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(x => x["reasons"] as JsonArray ?? []).OfType<JsonObject>())
            changed |= Mask(reason, EvidenceField);
        return changed ? Encoding.UTF8.GetBytes(Algorithm.DrawRecordJson.Serialize(record)) : null;

        static bool MaskedFieldsNeedMasking(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            var masked = false;
            try
            {
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        masked = reader.ValueTextEquals(EvidenceField) || reader.ValueTextEquals(RedrawReasonField);
                    }
                    else if (masked && reader.TokenType == JsonTokenType.String)
                    {
                        var text = reader.GetString()!;
                        if (PersonalData.MaskIn(text) != text)
                            return true;
                        masked = false;
                    }
                    else
                    {
                        masked = false;
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                // Not readable as JSON: building the record below says so.
                return true;
            }
            return false;
        }

        static bool Mask(JsonObject parent, string name)
        {
            if (parent[name] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
                return false;
            var text = value.GetValue<string>();
            var masked = PersonalData.MaskIn(text);
            if (masked == text)
                return false;
            parent[name] = masked;
            return true;
        }
    }
}
