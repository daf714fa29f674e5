using System;
using Azure;
using Azure.AI.Vision.ImageAnalysis;
using Microsoft.Azure.CognitiveServices.Vision.CustomVision.Prediction;
using Microsoft.Azure.CognitiveServices.Vision.CustomVision.Training;

class Program
{
    static async Task Main()
    {
        var trainingApi = new CustomVisionTrainingClient(new ApiKeyServiceClientCredentials(trainingKey)) { Endpoint = endpoint };
        var iteration = trainingApi.TrainProject(projectId);
        trainingApi.PublishIteration(projectId, iteration.Id, "prod", predictionResourceId);

        var predictionApi = new CustomVisionPredictionClient(new ApiKeyServiceClientCredentials(predictionKey)) { Endpoint = endpoint };
        // var old = await predictionApi.DetectImageAsync(projectId, "prod", stream);
        /* await predictionApi.ClassifyImageUrlAsync(projectId, "prod", new ImageUrl(url)); */
        var result = await predictionApi.ClassifyImageAsync(projectId, "prod", stream);

        var vision = new ImageAnalysisClient(new Uri(visionEndpoint), new AzureKeyCredential(visionKey));
        ImageAnalysisResult r = vision.Analyze(new Uri(url), VisualFeatures.Read | VisualFeatures.Objects);
    }
}
