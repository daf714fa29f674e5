package com.contoso.shelf;

import com.azure.ai.vision.imageanalysis.ImageAnalysisClient;
import com.azure.ai.vision.imageanalysis.models.VisualFeatures;
import com.microsoft.azure.cognitiveservices.vision.customvision.prediction.CustomVisionPredictionClient;
import com.microsoft.azure.cognitiveservices.vision.customvision.prediction.models.ImagePrediction;

public class Predict {
    ImagePrediction classify(CustomVisionPredictionClient predictor, UUID projectId, byte[] data) {
        return predictor.predictions().classifyImage()
            .withProjectId(projectId).withPublishedName("prod").withImageData(data).execute();
    }

    void analyze(ImageAnalysisClient client, String url) {
        client.analyzeFromUrl(url, Arrays.asList(VisualFeatures.TAGS, VisualFeatures.PEOPLE), null);
    }
}
