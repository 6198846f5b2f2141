using Quartz;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddQuartz();
builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

var host = builder.Build();
await host.RunAsync();
