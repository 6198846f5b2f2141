using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExpertPool.Tests.Fixtures;
using Xunit.Abstractions;

namespace ExpertPool.Tests.Api;

/// <summary>Shared helpers for the API suites that run once per database provider.</summary>
public abstract class ApiTestBase<TFactory> : IClassFixture<TFactory>
    where TFactory : ExpertPoolApiFactory
{
    protected ApiTestBase(TFactory factory, ITestOutputHelper output)
    {
        Factory = factory;
        Output = output;
        if (!factory.Enabled)
            PostgresRequirement.IsAvailable(output);
    }

    protected TFactory Factory { get; }
    protected ITestOutputHelper Output { get; }

    /// <summary>True when the provider is not configured on this developer machine; never on CI.</summary>
    protected bool NotConfigured => !Factory.Enabled;

    protected HttpClient Admin => Factory.Admin();
    protected HttpClient Auditor => Factory.Auditor();

    /// <summary>A private two-level specialty subtree and a province with two cities, unique to the calling test.</summary>
    protected async Task<Reference> CreateReferenceAsync()
    {
        var admin = Admin;
        var s = TestData.Suffix();
        var root = $"R{s}";
        await Ok(admin.PostAsJsonAsync("/api/specialties", new { code = root, nameZh = "质量管理" + s, nameEn = "Quality management " + s }));
        await Ok(admin.PostAsJsonAsync("/api/specialties", new { code = root + "01", nameZh = "卓越绩效", nameEn = "Performance excellence", parentCode = root }));
        await Ok(admin.PostAsJsonAsync("/api/specialties", new { code = root + "02", nameZh = "质量分析", nameEn = "Quality analysis", parentCode = root }));
        var other = $"O{s}";
        await Ok(admin.PostAsJsonAsync("/api/specialties", new { code = other, nameZh = "特种设备", nameEn = "Special equipment" }));
        var n = Random.Shared.Next(10, 99);
        var province = $"{n}0000";
        var existing = await admin.GetFromJsonAsync<JsonArray>("/api/regions");
        while (existing!.Any(r => r!["code"]!.GetValue<string>() == province))
        {
            n = Random.Shared.Next(10, 99);
            province = $"{n}0000";
        }
        await Ok(admin.PostAsJsonAsync("/api/regions", new { code = province, nameZh = "浙江省", nameEn = "Zhejiang" }));
        await Ok(admin.PostAsJsonAsync("/api/regions", new { code = $"{n}0100", nameZh = "杭州市", nameEn = "Hangzhou", parentCode = province }));
        await Ok(admin.PostAsJsonAsync("/api/regions", new { code = $"{n}0200", nameZh = "宁波市", nameEn = "Ningbo", parentCode = province }));
        return new Reference(root, root + "01", root + "02", other, province, $"{n}0100", $"{n}0200");
    }

    protected static object NewExpert(Reference r, string? name = null, string? specialty = null, string? region = null, string? employer = null, string? creditCode = null, string titleGrade = "FullSenior") => new
    {
        name = name ?? "王建国",
        idNumber = TestData.IdNumber(),
        employerName = employer ?? "浙江省质量科学研究院",
        employerCreditCode = creditCode ?? TestData.CreditCode(),
        title = "正高级工程师",
        titleGrade,
        specialtyCodes = new[] { specialty ?? r.Leaf1 },
        regionCode = region ?? r.City1,
        email = TestData.Email(),
        phone = TestData.Phone(),
        preferredLanguage = "zh-CN",
        termStart = "2026-01-01",
        termEnd = "2028-12-31",
    };

    protected async Task<JsonObject> CreateExpertAsync(object body)
    {
        var response = await Admin.PostAsJsonAsync("/api/experts", body);
        await Ok(Task.FromResult(response));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The clock starts at 2026-11-22 01:00Z; projects are reviewed on 2026-12-02 (09:00 China time), drawn on 2026-11-30.</summary>
    protected static readonly DateTime ReviewStartsAt = new(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
    protected static readonly DateOnly ReviewDate = new(2026, 12, 2);
    protected static readonly DateTime DrawAt = new(2026, 11, 30, 1, 0, 0, DateTimeKind.Utc);
    protected static readonly DateTime ReplyBy = new(2026, 12, 1, 1, 0, 0, DateTimeKind.Utc);

    protected async Task<Guid> CreateOrganisationAsync(string name, string? creditCode = null, string[]? aliases = null)
    {
        var response = await Ok(Admin.PostAsJsonAsync("/api/organisations", new { name, creditCode = creditCode ?? TestData.CreditCode(), aliases = aliases ?? [] }));
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
    }

    protected async Task<Guid> ActiveExpertAsync(Reference r, string name, string? specialty = null, string? region = null, string? employer = null, string? creditCode = null, string? termEnd = null, object[]? blackouts = null, string? termStart = null)
    {
        var body = JsonNode.Parse(JsonSerializer.Serialize(NewExpert(r, name: name, specialty: specialty, region: region, employer: employer ?? "单位" + TestData.Suffix(), creditCode: creditCode)))!.AsObject();
        if (termEnd is not null)
            body["termEnd"] = termEnd;
        if (termStart is not null)
            body["termStart"] = termStart;
        if (blackouts is not null)
            body["blackouts"] = JsonNode.Parse(JsonSerializer.Serialize(blackouts));
        var id = (await CreateExpertAsync(body))["id"]!.GetValue<string>();
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{id}/status", new { status = "Active", reason = "审核通过" }));
        return Guid.Parse(id);
    }

    protected async Task AddRelationAsync(Guid expert, Guid org, string kind, string? from, string? to) =>
        await Ok(Admin.PostAsJsonAsync($"/api/experts/{expert}/relations", new { organisationId = org, kind, from, to }));

    protected static object ProjectBody(string code, string type = "ProjectReview", string? region = null, object[]? parties = null, object[]? preparers = null) => new
    {
        code,
        name = "质量提升示范项目",
        engagementType = type,
        reviewStartsAt = ReviewStartsAt,
        place = "杭州市西湖区文三路 1 号",
        regionCode = region,
        parties = parties ?? [],
        preparers = preparers ?? [],
    };

    protected async Task<Guid> CreateProjectAsync(string type = "ProjectReview", string? region = null, object[]? parties = null, object[]? preparers = null)
    {
        var response = await Ok(Admin.PostAsJsonAsync("/api/projects", ProjectBody("XM-2026-" + TestData.Suffix(), type, region, parties, preparers)));
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
    }

    protected async Task<Guid> ScheduleAsync(Guid project, params object[] quotas)
    {
        var response = await Ok(Admin.PostAsJsonAsync("/api/panel-requests", new { projectId = project, quotas, scheduledDrawAt = DrawAt, replyDeadline = ReplyBy, supervisorName = "李监督" }));
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
    }

    /// <summary>Updates a project as a client would: reads it for its ETag, then sends that as If-Match with the new data.</summary>
    protected async Task<HttpResponseMessage> PutProjectAsync(object projectId, object body)
    {
        var read = await Ok(Admin.GetAsync($"/api/projects/{projectId}"));
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/projects/{projectId}") { Content = JsonContent.Create(body) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        return await Admin.SendAsync(put);
    }

    /// <summary>Updates an organisation as a client would: reads it for its ETag, then sends that as If-Match.</summary>
    protected async Task<HttpResponseMessage> PutOrganisationAsync(object organisationId, object body)
    {
        var read = await Ok(Admin.GetAsync($"/api/organisations/{organisationId}"));
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/organisations/{organisationId}") { Content = JsonContent.Create(body) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        return await Admin.SendAsync(put);
    }

    protected async Task<JsonObject> EligibilityAsync(Guid request) =>
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/panel-requests/{request}/eligibility"))!;

    protected static async Task<HttpResponseMessage> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    protected static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonNode.Parse(body)!.AsObject();
    }

    protected static T Read<T>(JsonNode? node) => node.Deserialize<T>()!;
}

public sealed record Reference(string Root, string Leaf1, string Leaf2, string Other, string Province, string City1, string City2);
